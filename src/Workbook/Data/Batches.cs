namespace Workbook.Data;

/// <summary>
/// Mini-batches for training: every epoch visits the Q training pairs once, in a fresh random order,
/// in batches of <see cref="BatchSize"/> (the last batch holds whatever is left).
/// </summary>
public sealed class Batches
{
    private readonly Random random;

    /// <param name="count">Q, the number of training pairs</param>
    /// <param name="batchSize">B, the pairs per batch</param>
    /// <param name="seed">the same seed gives the same sequence of epochs</param>
    public Batches(int count, int batchSize, int seed = 0)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "there must be at least one pair to batch");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "a batch needs at least one pair");
        Count = count;
        BatchSize = batchSize;
        random = new Random(seed);
    }

    public int Count { get; }

    public int BatchSize { get; }

    /// <summary>Batches per epoch: ⌈Q / B⌉.</summary>
    public int BatchesPerEpoch => (Count + BatchSize - 1) / BatchSize;

    /// <summary>The next epoch: the pair indices 0..Q-1 shuffled and cut into batches (use with <see cref="PairedClips.Select"/>).</summary>
    public IReadOnlyList<long[]> NextEpoch()
    {
        var order = new long[Count];
        for (int i = 0; i < Count; i++) order[i] = i;
        random.Shuffle(order);
        return order.Chunk(BatchSize).ToArray();
    }
}
