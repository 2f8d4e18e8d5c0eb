using static TorchSharp.torch;

namespace Workbook.Fast;

/// <summary>
/// Causal MIMO convolution through the spectrum, with a hand-written backward pass.
/// <para>
/// Forward: pad x and the taps to a length L ≥ N + K − 1 (no wrap-around reaches the first N outputs), multiply
/// spectra, sum over input channels, transform back, keep the first N samples:
/// <c>Y_g = Σ_f X_f · H_fg</c>, <c>y = irfft(Y)[0 : N]</c>.
/// </para>
/// <para>
/// Backward, with g the gradient of the loss with respect to y, zero-padded to L, and G its spectrum:
/// the gradient for x is a correlation with the taps, <c>dX_f = Σ_g G_g · conj(H_fg)</c>, and the gradient for
/// the taps is a correlation with the input summed over the batch, <c>dH_fg = Σ_b G_bg · conj(X_bf)</c>, both
/// transformed back and cut to N and K samples. The spectra X and H are kept from the forward pass, and the sum
/// over the batch happens before the inverse transform, so the taps' gradient costs F·G transforms, not B·F·G.
/// Letting autograd differentiate rfft/irfft instead is slower for the lab's network: it keeps and transforms more.
/// </para>
/// </summary>
internal sealed class FftConvolution : autograd.SingleTensorFunction<FftConvolution>
{
    public override string Name => "CausalFftConvolution";

    /// <param name="x">input <c>[B, F, N]</c></param>
    /// <param name="coefficients">taps <c>[K, F, G]</c></param>
    /// <returns><c>[B, G, N]</c></returns>
    public static Tensor Filter(Tensor x, Tensor coefficients) => apply(x, coefficients);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        var coefficients = (Tensor)vars[1];
        long n = x.shape[2], taps = coefficients.shape[0];
        long length = CausalConvolution.FastFftLength(n + taps - 1);
        var signalSpectrum = fft.rfft(x, length, dim: 2);                                   // [B, F, L/2+1]
        var filterSpectrum = fft.rfft(coefficients.permute(1, 2, 0), length, dim: 2);       // [F, G, L/2+1]
        using var products = signalSpectrum.unsqueeze(2) * filterSpectrum;                  // [B, F, G, L/2+1]
        using var outputSpectrum = CausalConvolution.SumOver(products, 1);                                    // [B, G, L/2+1]
        using var full = fft.irfft(outputSpectrum, length, dim: 2);
        ctx.save_for_backward(new List<Tensor> { signalSpectrum, filterSpectrum });
        ctx.save_data("n", n);
        ctx.save_data("taps", taps);
        ctx.save_data("length", length);
        ctx.save_data("inputNeedsGradient", x.requires_grad);
        return full.narrow(2, 0, n); // a view: the next layer reads it in place, no copy needed
    }

    /// <remarks>
    /// libtorch's autograd engine may call this outside the training loop's dispose scope, so every temporary is
    /// disposed here explicitly: an undisposed view would keep a whole spectrum alive until the .NET finalizer ran,
    /// and memory would grow epoch after epoch.
    /// </remarks>
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
    {
        var saved = ctx.get_saved_variables();
        using var signalSpectrum = saved[0];
        using var filterSpectrum = saved[1];
        long n = (long)ctx.get_data("n"), taps = (long)ctx.get_data("taps"), length = (long)ctx.get_data("length");
        using var gradientSpectrumFlat = fft.rfft(gradient, length, dim: 2);               // [B, G, L/2+1]
        using var gradientSpectrum = gradientSpectrumFlat.unsqueeze(1);                    // [B, 1, G, L/2+1]

        Tensor? inputGradient = null;
        if ((bool)ctx.get_data("inputNeedsGradient"))
        {
            using var conjugateFilter = filterSpectrum.conj();
            using var products = gradientSpectrum * conjugateFilter;                        // [B, F, G, L/2+1]
            using var spectrum = CausalConvolution.SumOver(products, 2);                                      // [B, F, L/2+1]
            using var full = fft.irfft(spectrum, length, dim: 2);
            inputGradient = full.narrow(2, 0, n);
        }

        using var conjugate = signalSpectrum.conj();
        using var conjugateSignal = conjugate.unsqueeze(2);                                // [B, F, 1, L/2+1]
        using var crossProducts = gradientSpectrum * conjugateSignal;                      // [B, F, G, L/2+1]
        using var crossSpectrum = crossProducts.sum(0L, keepdim: false);                   // [F, G, L/2+1]
        using var correlation = fft.irfft(crossSpectrum, length, dim: 2);                  // [F, G, L]
        using var tapsFirst = correlation.narrow(2, 0, taps);
        using var reordered = tapsFirst.permute(2, 0, 1);
        var tapGradient = reordered.contiguous();                                          // [K, F, G]
        return new List<Tensor> { inputGradient!, tapGradient };
    }
}
