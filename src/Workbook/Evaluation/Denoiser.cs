using Workbook.Data;
using static TorchSharp.torch;

namespace Workbook.Evaluation;

/// <summary>
/// Anything that maps noisy clips <c>[Q, 1, N]</c> to estimates of the clean clips <c>[Q, 1, N]</c>:
/// the trained CNN and the baselines it is compared with.
/// </summary>
public interface IDenoiser
{
    /// <summary>A short name for tables: "identity", "linear FIR (80 taps)", "CNN".</summary>
    string Name { get; }

    /// <summary>Estimates the clean clips; runs without gradients.</summary>
    Tensor Denoise(Tensor noisy);
}

/// <summary>The do-nothing baseline: output = noisy input. Any denoiser must beat it.</summary>
public sealed class IdentityDenoiser : IDenoiser
{
    public string Name => "identity (noisy input)";

    public Tensor Denoise(Tensor noisy) => noisy.alias();

    /// <summary>The identity's mean L1 on <paramref name="clips"/>: the L1 column of its <see cref="EvaluationTable.Score"/> row, alone.</summary>
    public static double L1(PairedClips clips)
    {
        var sums = new Fast.ErrorSums();
        sums.Add(clips.Noisy, clips.Clean);
        return sums.MeanAbsolute;
    }
}

/// <summary>A trained network (any <c>[Q, 1, N] → [Q, 1, N]</c> module) as a denoiser, run in chunks without gradients.</summary>
public sealed class NetworkDenoiser(nn.Module<Tensor, Tensor> network, string name = "CNN") : IDenoiser
{
    private const int Chunk = 50;

    public string Name => name;

    /// <summary>The network's output for each clip, 50 clips at a time, the garbage collector held off meanwhile (<see cref="Fast.CollectorPause"/>).</summary>
    public Tensor Denoise(Tensor noisy)
    {
        network.eval();
        using var pause = Fast.CollectorPause.Begin();
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long start = 0; start < noisy.shape[0]; start += Chunk)
            parts.Add(network.call(noisy.narrow(0, start, Math.Min(Chunk, noisy.shape[0] - start))));
        var output = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return output;
    }
}
