using TorchSharp;
using TorchSharp.Modules;
using Workbook.Signals;
using static TorchSharp.torch;
using Workbook.Fast;

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
        // The handout's Xavier-normal. It stores a layer as [K, G, F] and calls xavier_normal_ on that, whose fans
        // (fan_in = G·F, fan_out = K·F) are not those of our [K, F, G] storage (F·G and K·G): xavier_normal_ here
        // would give the first layer of [1, 5, 1]/[40, 40] half the handout's spread and the second twice it.
        // So draw with the handout's std, from torch's generator, so that manual_seed still makes runs repeatable.
        coefficients = nn.Parameter(empty(K, F, G));
        nn.init.normal_(coefficients, 0, InitialStd(K, F, G));
        RegisterComponents();
    }

    /// <summary>
    /// The standard deviation the coefficients are drawn with: the handout's <c>xavier_normal_</c> on its <c>[K, G, F]</c>
    /// tensor, <c>sqrt(2 / (fan_in + fan_out))</c> with fan_in = G·F and fan_out = K·F.
    /// </summary>
    public static double InitialStd(long K, long F, long G) => Math.Sqrt(2.0 / (G * F + K * F));

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
        TensorShapes.AsBatch(input, F, InputDescription, out _).Dispose();
        return FastPath.Filter(input, H, Algorithm);
    }

    /// <summary>How an error message names this layer's input.</summary>
    internal string InputDescription => $"input of a MimoFilter(K={K}, F={F}, G={G})";

    private static void RequirePositive(long value, string name, string meaning)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"{name} ({meaning}) must be at least 1");
    }
}
