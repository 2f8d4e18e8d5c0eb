using Workbook.Data;
using Workbook.Signals;
using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// What the checks compare a student's output with, computed by the library's reference implementations. The student
/// kit compiles its own <c>Expected</c> instead (src/Workbook.StudentKit), which looks the same values up in the data
/// this class recorded (<see cref="Record"/>): the kit carries the values, never the code that computes them.
/// </summary>
internal static class Expected
{
    private static Dictionary<string, Tensor>? recording;

    /// <summary>S^k x.</summary>
    public static Tensor Shift(Tensor x, long k) => Keep(ExpectedKey.Of("shift", [x], k), () => ShiftOperator.Shift(x, k));

    /// <summary>Σ_k h_k S^k x for a signal [..., N] and taps [K].</summary>
    public static Tensor Filter(Tensor x, Tensor h) => Keep(ExpectedKey.Of("filter", [x, h]), () => ShiftRegisterConvolution.Filter(x, h));

    /// <summary>Σ_k (S^k X) H_k for a batch [B, F, N] and coefficients [K, F, G].</summary>
    public static Tensor Filter3D(Tensor x, Tensor h) => Keep(ExpectedKey.Of("filter3d", [x, h]), () => ShiftRegisterConvolution.Filter3D(x, h));

    /// <summary>The CNN of the layers' coefficients: each layer filters (a single-channel filter for taps [K], a MIMO
    /// filter for [K, F, G]), with tanh between layers and none after the last.</summary>
    public static Tensor Network(Tensor x, IReadOnlyList<Tensor> layers) => Keep(ExpectedKey.Of("network", [x, .. layers]), () =>
    {
        var z = x;
        for (int l = 0; l < layers.Count; l++)
        {
            z = layers[l].dim() == 1 ? ShiftRegisterConvolution.Filter(z, layers[l]) : ShiftRegisterConvolution.Filter3D(z, layers[l]);
            if (l < layers.Count - 1) z = z.tanh();
        }
        return z;
    });

    /// <summary>The lab split's permutation of <paramref name="count"/> pairs (the first 50 for testing).</summary>
    public static long[] SplitOrder(int count, int seed) =>
        Keep(ExpectedKey.Of("split", [], count, seed), () => tensor(DataSplit.Permutation(count, seed))).data<long>().ToArray();

    /// <summary>Runs <paramref name="work"/> with every expected value it computes kept, and returns them by key.</summary>
    public static Dictionary<string, Tensor> Record(Action work)
    {
        recording = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            work();
            return recording;
        }
        finally
        {
            recording = null;
        }
    }

    private static Tensor Keep(string key, Func<Tensor> compute)
    {
        var value = compute();
        if (recording != null) recording[key] = value.detach().clone().DetachFromDisposeScope();
        return value;
    }
}
