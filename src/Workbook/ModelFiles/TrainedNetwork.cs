using Workbook.Networks;
using static TorchSharp.torch;
using Workbook.FilterBank;

namespace Workbook.ModelFiles;

/// <summary>
/// A trained denoising network of either kind, the lab's <see cref="MimoCnn"/> or the <see cref="FilterBankCnn"/>, with
/// what <c>evaluate</c> and <c>denoise</c> need to know about it. Disposing it disposes the network.
/// </summary>
/// <param name="Network">maps <c>[B, 1, N]</c> to <c>[B, 1, N]</c>, causally</param>
/// <param name="Name">for tables: "lab CNN (…)" or "improved CNN (…)"</param>
/// <param name="History">input samples a block-by-block run carries over (R − 1 for the lab's CNN; whole frames for the improved one)</param>
/// <param name="SampleRate">the rate it was trained at</param>
/// <param name="Data">the data it was trained on (null: the bundled set)</param>
/// <param name="TestCount">the split's test count</param>
/// <param name="SplitSeed">the split's seed</param>
public sealed record TrainedNetwork(nn.Module<Tensor, Tensor> Network, string Name, string Architecture, long History, int SampleRate,
    string? Data, int TestCount, int SplitSeed) : IDisposable
{
    /// <summary>The number of learnable coefficients.</summary>
    public long ParameterCount => Network.parameters().Sum(p => p.numel());

    public void Dispose() => Network.Dispose();
}
