using Workbook.Data;

namespace Workbook.Tests.Data;

public class BatchesTests
{
    [Fact]
    public void Every_epoch_covers_every_index_once_with_a_smaller_last_batch()
    {
        var batches = new Batches(count: 250, batchSize: 32, seed: 3);
        Assert.Equal(8, batches.BatchesPerEpoch);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var epochBatches = batches.NextEpoch();
            Assert.Equal(8, epochBatches.Count);
            Assert.All(epochBatches.Take(7), b => Assert.Equal(32, b.Length));
            Assert.Equal(250 - 7 * 32, epochBatches[^1].Length);
            Assert.Equal(Enumerable.Range(0, 250).Select(i => (long)i), epochBatches.SelectMany(b => b).Order());
        }
    }

    [Fact]
    public void Epochs_are_shuffled_differently_but_reproducibly()
    {
        var a = new Batches(100, 10, seed: 1);
        var b = new Batches(100, 10, seed: 1);
        var first = a.NextEpoch().SelectMany(x => x).ToArray();
        var second = a.NextEpoch().SelectMany(x => x).ToArray();
        Assert.NotEqual(first, second);
        Assert.Equal(first, b.NextEpoch().SelectMany(x => x).ToArray());
        Assert.NotEqual(first, new Batches(100, 10, seed: 2).NextEpoch().SelectMany(x => x).ToArray());
    }

    [Fact]
    public void Sizes_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Batches(0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Batches(4, 0));
    }
}
