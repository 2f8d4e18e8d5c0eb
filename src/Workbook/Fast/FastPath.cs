using static TorchSharp.torch;
using Workbook.Networks;
using Workbook.Signals;

namespace Workbook.Fast;

/// <summary>
/// The one door from the lab's classes (<see cref="ConvolutionLayer"/>, <see cref="MimoFilter"/>,
/// <see cref="MimoCnn"/>) to the speed machinery of this folder. Each method computes exactly what the lab's
/// definition computes (the tests compare them with <see cref="ShiftRegisterConvolution"/> and with each other), only
/// by faster routes: the vector loops of <see cref="SimdConvolution"/> for float32 on the CPU, libtorch's conv1d or
/// spectra otherwise, tanh fused into the layer before it, and for inference the whole network one tile of time at a
/// time. A reader of the lab can stop at this class.
/// </summary>
public static class FastPath
{
    /// <summary>
    /// The causal MIMO convolution <c>Y = Σ_k (S^k X) H_k</c> of <paramref name="signal"/> (<c>[B, F, N]</c> or
    /// <c>[F, N]</c>) with <paramref name="coefficients"/> (<c>[K, F, G]</c>), by <paramref name="algorithm"/>
    /// (<see cref="ConvolutionAlgorithm.Auto"/>: the fastest for these sizes). Gradients flow.
    /// </summary>
    public static Tensor Filter(Tensor signal, Tensor coefficients, ConvolutionAlgorithm algorithm) =>
        CausalConvolution.Filter(signal, coefficients, algorithm);

    /// <summary>tanh of every element, with gradients (<see cref="Tanh"/> says why it has its own backward pass).</summary>
    public static Tensor TanhOf(Tensor x) => Tanh.Apply(x);

    /// <summary>
    /// <c>tanh(layer(input))</c>: for a <see cref="MimoFilter"/> that the vector loops compute, in one pass over the
    /// output and one node in the graph (<see cref="SimdConvolutionThenTanh"/>); otherwise the two steps.
    /// </summary>
    internal static Tensor LayerThenTanh(nn.Module<Tensor, Tensor> layer, Tensor input)
    {
        if (layer is MimoFilter filter && UsesVectorLoops(filter, input))
        {
            using var scope = NewDisposeScope();
            var x = TensorShapes.AsBatch(input, filter.F, filter.InputDescription, out bool wasBatched);
            var y = SimdConvolution.Filter(x, filter.H, tanh: true);
            return (wasBatched ? y : y.squeeze(0)).MoveToOuterDisposeScope();
        }
        using var filtered = layer.call(input);
        return Tanh.Apply(filtered);
    }

    /// <summary>
    /// True when no gradient is asked of <paramref name="network"/> on <paramref name="input"/>: then
    /// <see cref="Infer"/> computes its output, and the layer-by-layer pass autograd needs is not built.
    /// </summary>
    public static bool CanInfer(MimoCnn network, Tensor input) =>
        !(is_grad_enabled() && (input.requires_grad || network.parameters().Any(p => p.requires_grad)));

    /// <summary>
    /// The network's output without gradients: through every layer one tile of time at a time where every layer runs
    /// the vector loops (<see cref="TiledInference"/>, equal to the training pass bit for bit), else layer by layer
    /// with tanh folded into the filters (<see cref="SigmoidFoldedInference"/>).
    /// </summary>
    public static Tensor Infer(MimoCnn network, Tensor input) =>
        TiledInference.Supports(input, network.Layers)
            ? TiledInference.Run(input, network.Layers, network.Specification.Tanh)
            : SigmoidFoldedInference.Run(input, network.Layers, network.Specification.Tanh);

    /// <summary>True when <paramref name="layer"/> filters <paramref name="input"/> with the workbook's vector loops:
    /// float32 on the CPU, and <see cref="ConvolutionAlgorithm.Simd"/> or <see cref="ConvolutionAlgorithm.Auto"/> up to
    /// <see cref="CausalConvolution.SimdUpToTaps"/> taps (what <see cref="CausalConvolution.Choose"/> decides).</summary>
    internal static bool UsesVectorLoops(MimoFilter layer, Tensor input) =>
        (layer.Algorithm == ConvolutionAlgorithm.Simd || layer.Algorithm == ConvolutionAlgorithm.Auto && layer.K <= CausalConvolution.SimdUpToTaps) &&
        SimdConvolution.Supports(input, layer.H);
}
