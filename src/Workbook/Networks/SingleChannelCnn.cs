using TorchSharp;
using TorchSharp.Modules;
using Workbook.Signals;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Networks;

/// <summary>
/// Task 1: a CNN of L single-channel <see cref="ConvolutionLayer"/>s, layer l with taps[l] coefficients,
/// and tanh between layers (see <see cref="TanhPlacement"/>). Input and output <c>[N]</c>, <c>[1, N]</c> or <c>[B, 1, N]</c>.
/// </summary>
public sealed class SingleChannelCnn : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ConvolutionLayer> layers = new();

    /// <param name="L">the number of layers</param>
    /// <param name="taps">the number of taps of each layer, L entries</param>
    /// <param name="tanh">where tanh is applied</param>
    public SingleChannelCnn(int L, IReadOnlyList<long> taps, TanhPlacement tanh = TanhPlacement.BetweenLayers)
        : base(nameof(SingleChannelCnn))
    {
        if (L < 1) throw new ArgumentOutOfRangeException(nameof(L), L, "a CNN needs at least one layer (L >= 1)");
        if (taps.Count != L)
            throw new ArgumentException($"taps has {taps.Count} entries but L = {L}: give one tap count per layer", nameof(taps));
        for (int l = 0; l < L; l++)
        {
            if (taps[l] < 1) throw new ArgumentException($"taps[{l}] = {taps[l]}: every layer needs at least one tap", nameof(taps));
            layers.Add(new ConvolutionLayer(taps[l]));
        }
        Tanh = tanh;
        RegisterComponents();
    }

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<ConvolutionLayer> Layers => layers.ToArray();

    /// <summary>Where tanh is applied.</summary>
    public TanhPlacement Tanh { get; }

    /// <summary>How every layer computes its convolution.</summary>
    public ConvolutionAlgorithm Algorithm
    {
        set { foreach (var layer in layers) layer.Algorithm = value; }
    }

    public override Tensor forward(Tensor input) => LayerStack.Run(input, layers, Tanh);
}
