using TorchSharp;
using TorchSharp.Modules;
using Workbook.Signals;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Networks;

/// <summary>
/// Task 3: a MIMO CNN of L <see cref="MimoFilter"/> layers, layer l a MimoFilter(K_l, F_{l−1}, F_l), with tanh
/// between layers (see <see cref="TanhPlacement"/>). Maps <c>[B, F0, N]</c> to <c>[B, FL, N]</c>.
/// </summary>
public sealed class MimoCnn : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<MimoFilter> layers = new();

    /// <param name="L">the number of layers</param>
    /// <param name="taps">[K1 … KL]</param>
    /// <param name="features">[F0 … FL]</param>
    /// <param name="tanh">where tanh is applied</param>
    public MimoCnn(int L, IReadOnlyList<long> taps, IReadOnlyList<long> features, TanhPlacement tanh = TanhPlacement.BetweenLayers)
        : this(L, new CnnSpecification(taps.ToArray(), features.ToArray(), tanh)) { }

    /// <summary>Builds the network a specification describes.</summary>
    public MimoCnn(CnnSpecification specification) : this(specification.Layers, specification) { }

    private MimoCnn(int L, CnnSpecification specification) : base(nameof(MimoCnn))
    {
        specification.Validate(L);
        Specification = specification;
        for (int l = 0; l < L; l++)
            layers.Add(new MimoFilter(specification.Taps[l], specification.Features[l], specification.Features[l + 1]));
        RegisterComponents();
    }

    /// <summary>The architecture this network was built from.</summary>
    public CnnSpecification Specification { get; }

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<MimoFilter> Layers => layers.ToArray();

    /// <summary>How every layer computes its convolution.</summary>
    public ConvolutionAlgorithm Algorithm
    {
        set { foreach (var layer in layers) layer.Algorithm = value; }
    }

    /// <summary>The number of learnable coefficients.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    public override Tensor forward(Tensor input)
    {
        long inputs = Specification.Features[0];
        TensorShapes.AsBatch(input, inputs, $"input of a MimoCnn with features [{string.Join(", ", Specification.Features)}]", out _).Dispose();
        if (FastPath.CanInfer(this, input)) return FastPath.Infer(this, input);   // no gradients: the same y, faster
        return LayerStack.Run(input, layers, Specification.Tanh);
    }
}
