namespace Workbook.Data.Speech;

/// <summary>
/// Short English sentences drawn from a seed: a handful of patterns filled from word lists, two to five words, so that
/// most are spoken in about a second. Everyday words, so that the rhythm is that of speech, not of a word list; of the
/// words of the held-out sentences (<see cref="HeldOutSentences"/>) only "quiet" is among them.
/// </summary>
public static class Sentences
{
    private static readonly string[] Adjectives =
        ["quiet", "yellow", "heavy", "little", "bright", "empty", "early", "funny", "gentle", "rusty", "sunny", "hungry", "narrow", "purple"];
    private static readonly string[] Nouns =
        ["garden", "kettle", "bicycle", "pencil", "ticket", "blanket", "bottle", "river", "market", "ladder", "jacket", "basket", "engine", "candle", "pillow", "doctor"];
    private static readonly string[] Verbs = ["bring", "close", "wash", "follow", "open", "check", "carry", "paint", "borrow", "clean", "visit", "fetch"];
    private static readonly string[] PastVerbs = ["dropped", "noticed", "cleaned", "needed", "wanted", "moved", "lifted", "counted", "missed", "shared"];
    private static readonly string[] Names = ["Anna", "Peter", "Maria", "Thomas", "Lucy", "Daniel", "Emma", "Oliver", "Grace", "Samuel"];
    private static readonly string[] Numbers = ["two", "three", "four", "five", "eight", "ten", "twelve", "twenty"];
    private static readonly string[] Places = ["at home", "in town", "by the door", "on the shelf", "after lunch", "next week", "upstairs", "outside"];

    /// <summary>One sentence, drawn from <paramref name="random"/>.</summary>
    public static string Draw(SeededRandom random) => random.NextInt(6) switch
    {
        0 => $"a {random.Choose(Adjectives)} {random.Choose(Nouns)}",
        1 => $"the {random.Choose(Nouns)} is {random.Choose(Adjectives)}",
        2 => $"{random.Choose(Verbs)} the {random.Choose(Nouns)}",
        3 => $"{random.Choose(Numbers)} {random.Choose(Adjectives)} {random.Choose(Nouns)}s",
        4 => $"{random.Choose(Names)} {random.Choose(PastVerbs)} the {random.Choose(Nouns)}",
        _ => $"{random.Choose(Verbs)} it {random.Choose(Places)}",
    };
}
