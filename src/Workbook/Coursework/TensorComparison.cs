using System.Globalization;
using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>Compares a student's tensor with the expected one and says where they first differ, in index terms.</summary>
public static class TensorComparison
{
    /// <summary>Null when <paramref name="actual"/> has the expected shape and values (within <paramref name="tolerance"/>);
    /// otherwise the first difference, e.g. "at [1, 0, 0] your output is 7 but should be 0".</summary>
    /// <param name="what">what the tensor is, e.g. "your output"</param>
    public static string? Difference(Tensor actual, Tensor expected, string what = "your output", double tolerance = 1e-5)
    {
        if (!actual.shape.SequenceEqual(expected.shape))
            return $"{what} has shape {Shape(actual)} but should have shape {Shape(expected)}";
        using var a = actual.detach().to(float64).cpu();
        using var e = expected.detach().to(float64).cpu();
        using var error = (a - e).abs();
        using var scale = e.abs().max().clamp_min(1.0);
        if (a.numel() == 0 || error.max().item<double>() <= tolerance * scale.item<double>()) return null;
        if (a.isnan().any().item<bool>()) return $"{what} contains NaN";
        long flat = error.flatten().argmax().item<long>();
        var index = Unravel(flat, a.shape);
        double got = a.flatten()[flat].item<double>(), want = e.flatten()[flat].item<double>();
        return $"{what} at {Format(index)} is {Number(got)} but should be {Number(want)}";
    }

    public static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

    public static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    public static string Format(long[] index) => "[" + string.Join(", ", index) + "]";

    public static long[] Unravel(long flat, long[] shape)
    {
        var index = new long[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }

    /// <summary>True when the two tensors have the same shape and values within <paramref name="tolerance"/>.</summary>
    public static bool Same(Tensor actual, Tensor expected, double tolerance = 1e-5) => Difference(actual, expected, "", tolerance) == null;
}
