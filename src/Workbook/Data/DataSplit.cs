namespace Workbook.Data;

/// <summary>
/// The lab's train/test split: a seeded random permutation of the Q pairs; the first <c>testCount</c>
/// pairs of it are the test set and the rest the training set.
/// </summary>
public static class DataSplit
{
    /// <summary>The lab holds 50 pairs out for testing.</summary>
    public const int DefaultTestCount = 50;

    /// <summary>Splits <paramref name="clips"/> into disjoint training and test sets that together hold every pair once.</summary>
    /// <param name="seed">the same seed gives the same split, so results can be compared across runs</param>
    public static (PairedClips Train, PairedClips Test) Split(PairedClips clips, int testCount = DefaultTestCount, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(clips);
        if (testCount < 1 || testCount >= clips.Count)
            throw new ArgumentOutOfRangeException(nameof(testCount), testCount,
                $"the test set needs between 1 and {clips.Count - 1} of the {clips.Count} pairs, leaving at least one for training");
        long[] order = Permutation(clips.Count, seed);
        return (clips.Select(order[testCount..]), clips.Select(order[..testCount]));
    }

    /// <summary>A random permutation of 0..count-1 (Fisher–Yates with <see cref="Random"/>, which is seeded and portable).</summary>
    public static long[] Permutation(int count, int seed)
    {
        var order = new long[count];
        for (int i = 0; i < count; i++) order[i] = i;
        new Random(seed).Shuffle(order);
        return order;
    }
}
