using TorchSharp;
using TorchSharp.Modules;
using Workbook.Signals;
using static TorchSharp.torch;

namespace Workbook.Networks;

/// <summary>
/// Task 2: a MIMO filter <c>Y = Σ_{k=0}^{K−1} (S^k X) H_k</c> with K coefficient matrices H_k of size F×G.
/// Maps <c>[B, F, N]</c> (or <c>[F, N]</c>) to <c>[B, G, N]</c> (or <c>[G, N]</c>).
/// </summary>
public sealed class MimoFilter : nn.Module<Tensor, Tensor>
{
    private readonly Parameter coefficients;

    /// <param name="K">taps per input–output pair (K ≥ 1)</param>
    /// <param name="F">input features (F ≥ 1)</param>
    /// <param name="G">output features (G ≥ 1)</param>
    public MimoFilter(long K, long F, long G) : base(nameof(MimoFilter))
    {
        RequirePositive(K, nameof(K), "taps");
        RequirePositive(F, nameof(F), "input features");
        RequirePositive(G, nameof(G), "output features");
        // Xavier-normal, as the lab's torch.nn.init.xavier_normal_ does on a [K, F, G] tensor.
        coefficients = nn.Parameter(nn.init.xavier_normal_(empty(K, F, G)));
        RegisterComponents();
    }

    /// <summary>K, the number of taps.</summary>
    public long K => coefficients.shape[0];

    /// <summary>F, the number of input features.</summary>
    public long F => coefficients.shape[1];

    /// <summary>G, the number of output features.</summary>
    public long G => coefficients.shape[2];

    /// <summary>The coefficients, shape <c>[K, F, G]</c>: <c>H[k]</c> is the F×G matrix H_k.</summary>
    public Parameter H => coefficients;

    /// <summary>How the convolution is computed (all give the same result).</summary>
    public ConvolutionAlgorithm Algorithm { get; set; } = ConvolutionAlgorithm.Auto;

    public override Tensor forward(Tensor input)
    {
        TensorShapes.AsBatch(input, F, $"input of a MimoFilter(K={K}, F={F}, G={G})", out _).Dispose();
        return CausalConvolution.Filter(input, coefficients, Algorithm);
    }

    private static void RequirePositive(long value, string name, string meaning)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"{name} ({meaning}) must be at least 1");
    }
}
