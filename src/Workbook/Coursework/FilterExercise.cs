using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// Exercise 1.2: the shift-register convolution <c>y = Σ_{k=0}^{K−1} h_k S^k x</c> for a signal <c>[…, N]</c> and taps
/// <c>[K]</c>. The properties are those the library's tests assert of its own filters; the expected values come
/// from <see cref="Expected"/>.
/// </summary>
public static class FilterExercise
{
    public const string Id = "1.2";

    public static PropertyChecks Visible(Func<Tensor, Tensor, Tensor> filter)
    {
        var checks = new PropertyChecks();
        var taps = tensor(new float[] { 0.5f, -1f, 2f, 0.25f });
        checks.Add("the impulse response is the taps: h_0 … h_{K−1}, then zeros", () =>
        {
            var impulse = zeros(10);
            impulse[0] = tensor(1f);
            var response = filter(impulse, taps);
            var expected = Expected.Filter(impulse, taps);
            if (TensorComparison.Difference(response, expected, "the response to an impulse") is not string problem) return null;
            if (response.shape.SequenceEqual(expected.shape) && response[..4].allclose(taps) && response[4].item<float>() != 0)
                return problem + " — it has more than K non-zero samples: a filter with K taps uses h_0 … h_{K−1} (k = 0 … K−1, not K)";
            return problem;
        });
        checks.Add("delaying the input by d samples delays the output by d samples", () =>
        {
            // S^3 x comes from Expected; the output's delay is seen by comparing the outputs 3 samples apart.
            var x = CheckInputs.Normal("1.2 delay", 1, 20);
            var delayed = filter(Expected.Shift(x, 3), taps);
            var output = filter(x, taps);
            if (!delayed.shape.SequenceEqual(output.shape) || output.shape.Length != 1 || output.shape[0] != 20)
                return $"a signal of 20 samples gave {TensorComparison.Shape(output)}, and delayed by 3 samples {TensorComparison.Shape(delayed)}: both should have the signal's shape [20]";
            return TensorComparison.Difference(delayed[..3], zeros(3), "the first 3 outputs for the input delayed by 3 samples")
                ?? TensorComparison.Difference(delayed[3..], output[..17], "the output for the input delayed by 3 samples, from sample 3 on (the output delayed by 3)");
        });
        checks.Add("causal: changing the input at time n₀ changes no output before n₀", () =>
        {
            var a = randn(20);
            var b = a.clone();
            b[12] = tensor(5f);
            var difference = (filter(a, taps) - filter(b, taps)).abs();
            long early = difference[..12].gt(1e-6f).nonzero().shape[0];
            return early == 0 ? null : $"{early} outputs before n = 12 changed when only the input at n = 12 changed: y_n may use x_n, x_(n−1), … only";
        });
        checks.Add("every row of a batch is filtered on its own", () =>
        {
            var batch = randn(3, 1, 15);
            var together = filter(batch, taps);
            for (int b = 0; b < 3; b++)
                if (TensorComparison.Difference(together[b], filter(batch[b], taps), $"row {b} of the batched output") is string p)
                    return p + " (filtering the batch should give what filtering that row alone gives)";
            return null;
        });
        checks.Add("equals y_n = Σ_k h_k x_(n−k) on random sizes, including K = 1 and K > N", () =>
        {
            foreach (var (n, k) in new[] { (12L, 1L), (12L, 5L), (6L, 9L) })
            {
                var x = CheckInputs.Normal($"1.2 x {n} {k}", 1, 2, 1, n);
                var h = CheckInputs.Normal($"1.2 h {n} {k}", 1, k);
                if (TensorComparison.Difference(filter(x, h), Expected.Filter(x, h), $"the output for N = {n}, K = {k}", 1e-4) is string p)
                    return p;
            }
            return null;
        });
        checks.Add("linear: filtering a·x + b·z gives a·(h∗x) + b·(h∗z)", () => LinearityProblem(filter, randn(3), randn(2, 1, 10), randn(2, 1, 10)));
        checks.Add("gradients reach every tap and the signal (Exercise 1.3 trains through Filter)", () =>
        {
            var x = randn(1, 1, 12).requires_grad_();
            var h = tensor(new float[] { 0.5f, -1f, 2f }).requires_grad_();
            var w = randn(1, 1, 12);
            string? broken = GradientFlow.Problem("your Filter", "1.3", () => (filter(x, h) * w).sum());
            if (broken != null) return broken;
            if ((GradientFlow.Missing(h, "the taps", "1.3") ?? GradientFlow.Missing(x, "the signal", "1.3")) is string missing) return missing;
            // d/dh_k of Σ_n w_n y_n is Σ_n w_n x_(n−k): the signal delayed by k, weighted.
            var xs = x.detach().view(12);
            var ws = w.view(12);
            var expected = stack(Enumerable.Range(0, 3).Select(k => (ws[k..] * xs[..(12 - k)]).sum()).ToArray());
            return TensorComparison.Difference(h.grad!, expected, "the gradient with respect to the taps", 1e-4);
        });
        return checks;
    }

    public static PropertyChecks Hidden(Func<Tensor, Tensor, Tensor> filter)
    {
        var checks = new PropertyChecks();
        checks.Add("linear: filtering a·x + b·z gives a·(h∗x) + b·(h∗z)", () => LinearityProblem(filter, randn(4), randn(16), randn(16)));
        checks.Add("gradients reach every tap", () =>
        {
            var h = randn(5, dtype: float64).requires_grad_();
            filter(randn(2, 1, 30, dtype: float64), h).square().sum().backward();
            if (h.grad is null) return "no gradient reached the taps: compute with tensor operations only (no .item() or arrays)";
            long zero = h.grad.eq(0).sum().item<long>();
            return zero == 0 ? null : $"{zero} of the 5 taps got no gradient";
        });
        return checks;
    }

    private static string? LinearityProblem(Func<Tensor, Tensor, Tensor> filter, Tensor h, Tensor x, Tensor z) =>
        TensorComparison.Difference(filter(x * 2 - z * 3, h), filter(x, h) * 2 - filter(z, h) * 3, "the output for 2x − 3z", 1e-4);
}
