using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// Exercise 1.1: the shift operator, <c>(S^k x)_n = x_{n−k}</c> for n ≥ k and 0 before, on the time (last) axis of
/// <c>[N]</c> and of batches <c>[B, F, N]</c>, each row on its own. The expected values come from <see cref="Expected"/>.
/// </summary>
public static class ShiftExercise
{
    public const string Id = "1.1";

    /// <summary>The properties a student sees checked.</summary>
    public static PropertyChecks Visible(Func<Tensor, long, Tensor> shift)
    {
        var checks = new PropertyChecks();
        var x = arange(1, 9, dtype: float32);   // [1 … 8]: every sample different, none zero
        checks.Add("S^k x on a signal [N] is x delayed by k samples with zeros in front (k = 0, 1, 3)", () =>
        {
            foreach (long k in new long[] { 0, 1, 3 })
            {
                var result = shift(x, k);
                if (TensorComparison.Difference(result, Expected.Shift(x, k), $"S^{k} x") is string problem)
                    return problem + WrapAroundHint(result, x, k);
            }
            return null;
        });
        checks.Add("the signal keeps its length N, and k ≥ N gives all zeros", () =>
            TensorComparison.Difference(shift(x, 8), zeros(8), "S^8 x of an 8-sample x")
            ?? TensorComparison.Difference(shift(x, 20), zeros(8), "S^20 x of an 8-sample x"));
        checks.Add("each row of a batch [B, F, N] is shifted on its own, along time only", () => BatchProblem(shift));
        checks.Add("gradients flow back through S^k x (Exercise 1.3 trains through Shift)", () =>
        {
            // d/dx of Σ_n w_n (S^3 x)_n is w moved 3 samples earlier, with zeros at the end.
            var signal = arange(1, 9, dtype: float32).view(1, 1, 8).requires_grad_();
            var weights = arange(1, 9, dtype: float32).view(1, 1, 8);
            string? broken = GradientFlow.Problem("your Shift", "1.3", () => (shift(signal, 3) * weights).sum());
            if (broken != null) return broken;
            if (GradientFlow.Missing(signal, "the signal x", "1.3") is string missing) return missing;
            var expected = cat(new[] { arange(4, 9, dtype: float32), zeros(3) });
            return TensorComparison.Difference(signal.grad!.view(8), expected, "the gradient of Σ_n w_n (S^3 x)_n with respect to x");
        });
        checks.Add("float64 signals stay float64", () => KeepsNumberType(shift, randn(2, 5, dtype: float64), 1));
        checks.Add("the input is left unchanged", () =>
        {
            var before = x.clone();
            shift(x, 2);
            return TensorComparison.Same(x, before) ? null : "your function changed its input x: build a new tensor instead of writing into x";
        });
        return checks;
    }

    /// <summary>Checks the student does not see: random batch shapes, k near and beyond N, float64.</summary>
    public static PropertyChecks Hidden(Func<Tensor, long, Tensor> shift)
    {
        var checks = new PropertyChecks();
        checks.Add("random batches [B, F, N] and every k from 0 to N + 2", () =>
        {
            var generator = new Random(11);
            for (int trial = 0; trial < 4; trial++)
            {
                var signal = randn(1 + generator.Next(3), 1 + generator.Next(4), 2 + generator.Next(12));
                for (long k = 0; k <= signal.shape[2] + 2; k++)
                    if (TensorComparison.Difference(shift(signal, k), Expected.Shift(signal, k), $"S^{k} x for x of shape {TensorComparison.Shape(signal)}") is string p)
                        return p;
            }
            return null;
        });
        checks.Add("float64 signals stay float64", () => KeepsNumberType(shift, randn(3, 1, 7, dtype: float64), 2));
        return checks;
    }

    private static string? KeepsNumberType(Func<Tensor, long, Tensor> shift, Tensor signal, long k)
    {
        var result = shift(signal, k);
        return result.dtype == signal.dtype ? null
            : $"a {signal.dtype} signal came back as {result.dtype}: create the zeros with the signal's dtype (zeros(shape, x.dtype), or zeros_like)";
    }

    /// <summary>The two mistakes of the handout's code on batches, named when they are what happened.</summary>
    private static string? BatchProblem(Func<Tensor, long, Tensor> shift)
    {
        // Two clips of three channels, every sample different: 1 … 36.
        var batch = arange(1, 37, dtype: float32).view(2, 3, 6);
        var result = shift(batch, 1);
        var expected = Expected.Shift(batch, 1);
        if (TensorComparison.Difference(result, expected, "S x of a [2, 3, 6] batch") is not string problem) return null;
        if (!result.shape.SequenceEqual(batch.shape)) return problem;
        float Value(Tensor t, long b, long f, long n) => t[b, f, n].item<float>();
        if (Value(result, 1, 0, 0) == Value(batch, 0, 2, 5))
            return "row 1 of the batch starts with the last sample of row 0: shift each row on its own, along the time axis only " +
                   "(rolling the flattened tensor moves samples from one row into the next)";
        if (Value(result, 0, 1, 0) == Value(batch, 0, 0, 5))
            return "channel 1 starts with the last sample of channel 0: shift each row on its own, along the time axis only";
        bool channelZeroed = result[.., 0, ..].abs().sum().item<float>() == 0 && result[.., 1, 0].abs().sum().item<float>() != 0;
        if (channelZeroed)
            return "feature channel 0 became all zeros while time step 0 of the other channels did not: on a [B, F, N] batch, " +
                   "signal[:, 0] = 0 zeroes channel 0 — zero the first k time steps of every row instead";
        return problem;
    }

    private static string WrapAroundHint(Tensor result, Tensor x, long k)
    {
        if (k == 0 || result.dim() != 1 || result.shape[0] != x.shape[0]) return "";
        return result[0].item<float>() == x[-1].item<float>()
            ? " (the last sample wrapped around to the front: the samples shifted past the end are dropped and zeros come in front)"
            : "";
    }
}
