using System.Globalization;
using static TorchSharp.torch;

namespace Workbook.Display;

/// <summary>Short, readable text for small tensors: <c>[0.5, -1, 2, 0.25]</c>, nested brackets for matrices.</summary>
public static class TensorText
{
    /// <summary>The values of a tensor with at most 2 axes, rounded to <paramref name="digits"/> decimals.</summary>
    public static string Of(Tensor values, int digits = 4)
    {
        using var t = values.detach().cpu().to(float64);
        string Number(double v) => Math.Round(v, digits).ToString(CultureInfo.InvariantCulture);
        string Row(Tensor r) => "[" + string.Join(", ", r.data<double>().ToArray().Select(Number)) + "]";
        return t.dim() switch
        {
            0 => Number(t.item<double>()),
            1 => Row(t),
            2 => "[" + string.Join(", ", Enumerable.Range(0, (int)t.shape[0]).Select(i => { using var r = t[i].contiguous(); return Row(r); })) + "]",
            _ => throw new ArgumentException($"TensorText shows tensors with at most 2 axes, not shape [{string.Join(", ", t.shape)}]", nameof(values)),
        };
    }

    /// <summary>A shape as <c>[B, F, N]</c> numbers: <c>[4, 1, 100]</c>.</summary>
    public static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
