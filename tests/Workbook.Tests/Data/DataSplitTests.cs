using Workbook.Data;
using static TorchSharp.torch;

namespace Workbook.Tests.Data;

public class DataSplitTests
{
    /// <summary>Q pairs whose x is the pair's number, so that a pair can be recognised after the split.</summary>
    private static PairedClips Numbered(int q) => new(
        Enumerable.Range(0, q).Select(i => $"pair {i}").ToArray(),
        arange(q, dtype: float32).reshape(q, 1, 1).expand(q, 1, 3),
        zeros(q, 1, 3), 16000, "numbered");

    private static int[] Numbers(PairedClips clips) =>
        clips.Noisy[.., 0, 0].data<float>().ToArray().Select(v => (int)v).ToArray();

    [Fact]
    public void The_split_is_a_partition_with_the_test_set_of_the_asked_size()
    {
        using var clips = Numbered(300);
        var (train, test) = DataSplit.Split(clips, 50, seed: 1);
        Assert.Equal(50, test.Count);
        Assert.Equal(250, train.Count);
        Assert.Equal(Enumerable.Range(0, 300), Numbers(train).Concat(Numbers(test)).Order());
        // Names follow their pairs.
        Assert.Equal(Numbers(test).Select(i => $"pair {i}"), test.Names);
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_another()
    {
        using var clips = Numbered(100);
        var a = DataSplit.Split(clips, 20, seed: 5);
        var b = DataSplit.Split(clips, 20, seed: 5);
        var c = DataSplit.Split(clips, 20, seed: 6);
        Assert.Equal(Numbers(a.Test), Numbers(b.Test));
        Assert.Equal(Numbers(a.Train), Numbers(b.Train));
        Assert.NotEqual(Numbers(a.Test), Numbers(c.Test));
    }

    [Fact]
    public void The_test_set_takes_the_first_pairs_of_the_permutation()
    {
        using var clips = Numbered(10);
        var (train, test) = DataSplit.Split(clips, 3, seed: 2);
        // The permutation by hand: Fisher–Yates from the front, swapping item i with a uniform pick of i..Q-1 drawn from
        // System.Random(seed), the documented algorithm of Random.Shuffle (not DataSplit's own code).
        var random = new Random(2);
        var order = Enumerable.Range(0, 10).ToArray();
        for (int i = 0; i < order.Length - 1; i++)
        {
            int j = random.Next(i, order.Length);
            (order[i], order[j]) = (order[j], order[i]);
        }
        Assert.Equal(order[..3], Numbers(test));
        Assert.Equal(order[3..], Numbers(train));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(11)]
    public void The_test_set_must_leave_pairs_for_training(int testCount)
    {
        using var clips = Numbered(10);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.Split(clips, testCount));
        Assert.Contains("between 1 and 9 of the 10 pairs", e.Message);
    }
}
