using Workbook.Data;
using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// Exercise 4.2: the train/test split: a seeded random choice of <c>testCount</c> pairs for testing, the rest for
/// training, every pair in exactly one set and its noisy and clean clips kept together.
/// </summary>
public static class SplitExercise
{
    public const string Id = "4.2";

    public static PropertyChecks Visible(Func<PairedClips, int, int, (PairedClips Train, PairedClips Test)> split)
    {
        var checks = new PropertyChecks();
        using var clips = Numbered(30);
        checks.Add("the test set holds testCount pairs and the training set the rest", () =>
        {
            var (train, test) = split(clips, 8, 0);
            return test.Count != 8 ? $"Split(30 pairs, testCount: 8) gave {test.Count} test pairs"
                : train.Count != 22 ? $"Split(30 pairs, testCount: 8) gave {train.Count} training pairs, not 22" : null;
        });
        checks.Add("every pair is in exactly one of the two sets", () =>
        {
            var (train, test) = split(clips, 8, 0);
            var names = train.Names.Concat(test.Names).ToList();
            if (names.Distinct().Count() != names.Count) return "some pairs are in both sets (or twice in one): a test pair must never be trained on";
            return names.Count == 30 && names.Order().SequenceEqual(clips.Names.Order()) ? null : "some pairs are in neither set";
        });
        checks.Add("each noisy clip stays with its clean clip", () =>
        {
            var (train, test) = split(clips, 8, 0);
            foreach (var set in new[] { train, test })
                for (int q = 0; q < set.Count; q++)
                    if (set.Noisy[q, 0, 0].item<float>() != -set.Clean[q, 0, 0].item<float>())
                        return "a noisy clip ended up next to another pair's clean clip: select the same indices from Noisy and Clean (PairedClips.Select does)";
            return null;
        });
        checks.Add("the choice is random: the test set is not simply the first or the last pairs", () =>
        {
            var (_, test) = split(clips, 8, 0);
            var numbers = test.Names.Select(n => int.Parse(n[5..], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
            return numbers.SequenceEqual(Enumerable.Range(0, 8)) || numbers.SequenceEqual(Enumerable.Range(22, 8))
                ? "the test set is a block of consecutive pairs: shuffle the indices with a seeded Random first" : null;
        });
        checks.Add("the same seed gives the same split, another seed another", () =>
        {
            var a = split(clips, 8, 3).Test.Names;
            var b = split(clips, 8, 3).Test.Names;
            var c = split(clips, 8, 4).Test.Names;
            if (!a.SequenceEqual(b)) return "two splits with seed 3 differ: seed the random generator with the seed (new Random(seed))";
            return a.SequenceEqual(c) ? "seeds 3 and 4 give the same split: the seed must choose the permutation" : null;
        });
        return checks;
    }

    public static PropertyChecks Hidden(Func<PairedClips, int, int, (PairedClips Train, PairedClips Test)> split)
    {
        var checks = new PropertyChecks();
        using var clips = Numbered(12);
        checks.Add("testCount 1 and testCount Q − 1 work", () =>
        {
            var (train1, test1) = split(clips, 1, 0);
            var (train2, test2) = split(clips, 11, 0);
            return test1.Count == 1 && train1.Count == 11 && test2.Count == 11 && train2.Count == 1 ? null
                : $"testCount 1 gave {test1.Count}/{train1.Count} test/train pairs and testCount 11 gave {test2.Count}/{train2.Count}";
        });
        return checks;
    }

    /// <summary>Pairs named "pair 0" … whose noisy clip starts with q + 1 and clean clip with −(q + 1), so pairs can be told apart.</summary>
    private static PairedClips Numbered(int count) =>
        PairedClips.FromArrays(Enumerable.Range(0, count)
                .Select(q => ($"pair {q}", new float[] { q + 1, 0.5f, 0.25f, 0 }, new float[] { -(q + 1), 0, 0, 0 })).ToArray(),
            PairedClips.LabSampleRate, "numbered pairs");
}
