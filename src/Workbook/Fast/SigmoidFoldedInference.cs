using Workbook.Signals;
using static TorchSharp.torch;
using Workbook.Networks;

namespace Workbook.Fast;

/// <summary>
/// A faster forward pass of a <see cref="MimoCnn"/> for inference, with tanh folded into the filters.
/// <para>
/// Since tanh(z) = 2σ(2z) − 1, a layer that follows a tanh sees
/// <c>H ∗ tanh(z) = (2H) ∗ σ(2z) − H ∗ 1</c>, and <c>H ∗ 1</c>, the layer's response to a signal that is 1 from time 0 on,
/// is the running sum of its taps: <c>c_g[n] = Σ_{k ≤ n} Σ_f H[k, f, g]</c>, constant from n = K − 1 on. So the
/// network runs with doubled taps, one in-place sigmoid per hidden layer, and one subtraction of c per layer after a tanh
/// (and, for a tanh after the last layer, its 2σ − 1). That replaces the four passes over every hidden activation that
/// tanh costs here (see <see cref="Tanh"/>) by one, a large share of a denoising pass, which is memory-bound.
/// </para>
/// <para>The result equals the plain forward pass up to float32 rounding (a test checks 1e-5). No gradients flow through it.</para>
/// </summary>
internal static class SigmoidFoldedInference
{
    /// <summary>y for input <c>[B, F0, N]</c> (or <c>[F0, N]</c>); call under no_grad or with nothing requiring gradients.</summary>
    public static Tensor Run(Tensor input, IReadOnlyList<MimoFilter> layers, TanhPlacement tanh)
    {
        using var scope = NewDisposeScope();
        var x = TensorShapes.AsBatch(input, layers[0].F, "input", out bool wasBatched);
        Tensor signal = x;          // what the next layer filters: x, then σ(2z) after each hidden layer
        bool signalIsSigmoid = false;
        for (int l = 0; l < layers.Count; l++)
        {
            var taps = layers[l].H.detach();
            bool tanhAfter = l < layers.Count - 1 || tanh == TanhPlacement.AfterEveryLayer;
            // z = H ∗ s with s = 2σ − 1 when the previous layer ended in tanh: z = (2H) ∗ σ − c.
            // If a tanh follows, compute 2z instead: scale the taps and the offset by 2 once more.
            double scale = (signalIsSigmoid ? 2 : 1) * (tanhAfter ? 2 : 1);
            var filtered = CausalConvolution.Filter(signal, scale == 1 ? taps : taps * scale, layers[l].Algorithm);
            if (signalIsSigmoid) SubtractStepResponse(filtered, taps, tanhAfter ? 2 : 1);
            if (tanhAfter)
            {
                signal = filtered.sigmoid_();
                signalIsSigmoid = true;
            }
            else
            {
                signal = filtered;
                signalIsSigmoid = false;
            }
        }
        if (signalIsSigmoid) signal = signal.mul_(2).sub_(1); // a tanh after the last layer
        if (!wasBatched) signal = signal.squeeze(0);
        return signal.MoveToOuterDisposeScope();
    }

    /// <summary>y[b, g, n] −= factor · Σ_{k ≤ n} Σ_f H[k, f, g]: the response of the filter to a unit step.</summary>
    private static void SubtractStepResponse(Tensor y, Tensor taps, double factor)
    {
        long n = y.shape[2], k = Math.Min(taps.shape[0], n);
        var step = taps.sum(1L, keepdim: false).cumsum(0).mul_(factor);       // [K, G]: the response at n = 0 … K−1
        var start = step.narrow(0, 0, k).t().unsqueeze(0);                     // [1, G, k]
        y.narrow(2, 0, k).sub_(start);
        if (n > k) y.narrow(2, k, n - k).sub_(step[-1].view(1, -1, 1));      // constant from K−1 on
    }
}
