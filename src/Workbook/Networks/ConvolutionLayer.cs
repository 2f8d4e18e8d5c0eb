using TorchSharp;
using TorchSharp.Modules;
using Workbook.Signals;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Networks;

/// <summary>
/// Task 1: one single-channel convolutional layer, <c>y = Σ_{k=0}^{K−1} h_k S^k x</c>, with K learnable taps
/// initialised to ones as in the lab. Input <c>[N]</c>, <c>[1, N]</c> or <c>[B, 1, N]</c>; output the same shape.
/// </summary>
public sealed class ConvolutionLayer : nn.Module<Tensor, Tensor>
{
    private readonly Parameter taps;

    /// <param name="taps">K, the number of filter coefficients (K ≥ 1)</param>
    public ConvolutionLayer(long taps) : base(nameof(ConvolutionLayer))
    {
        if (taps < 1) throw new ArgumentOutOfRangeException(nameof(taps), taps, "a layer needs at least one tap");
        this.taps = nn.Parameter(ones(taps));
        RegisterComponents();
    }

    /// <summary>The taps h_0 … h_{K−1}, shape <c>[K]</c>.</summary>
    public Parameter Taps => taps;

    /// <summary>K, the number of taps.</summary>
    public long K => taps.shape[0];

    /// <summary>How the convolution is computed (all give the same result).</summary>
    public ConvolutionAlgorithm Algorithm { get; set; } = ConvolutionAlgorithm.Auto;

    public override Tensor forward(Tensor input)
    {
        if (input.dim() == 1)
            return forward(input.unsqueeze(0)).squeeze(0);
        var coefficients = taps.view(K, 1, 1);  // a 1-in, 1-out MIMO filter
        return FastPath.Filter(input, coefficients, Algorithm);
    }
}
