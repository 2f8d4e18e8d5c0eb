namespace Workbook.Data.Speech;

/// <summary>
/// The sentences the held-out voices speak when denoisers are scored on speech they never trained on
/// (tools/held-out.cs, tools/rnnoise/compare.cs): longer than the training clips' (a subject, a verb, an object and an
/// ending, three to four seconds), from word lists of their own, so that both tools speak the same kind of sentence.
/// </summary>
public static class HeldOutSentences
{
    private static readonly string[] Subjects = ["The old farmer", "A quiet student", "My neighbour", "The tired driver", "Her younger brother", "The nurse on duty"];
    private static readonly string[] Verbs = ["carried", "painted", "found", "forgot", "repaired", "sold"];
    private static readonly string[] Objects = ["a wooden chair", "the broken radio", "six green apples", "a letter from home", "the kitchen window", "two heavy boxes"];
    private static readonly string[] Endings = ["before the storm began.", "on a cold Monday morning.", "while the children were asleep.", "near the railway station.", "without saying a word.", "at the end of the summer."];

    /// <summary>One sentence, drawn from <paramref name="random"/>.</summary>
    public static string Draw(SeededRandom random) =>
        $"{random.Choose(Subjects)} {random.Choose(Verbs)} {random.Choose(Objects)} {random.Choose(Endings)}";
}
