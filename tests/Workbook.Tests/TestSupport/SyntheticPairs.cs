using Workbook.Data;
using static TorchSharp.torch;

namespace Workbook.Tests;

/// <summary>Small made-up data sets with a known answer, for tests that must not depend on the bundled data.</summary>
internal static class SyntheticPairs
{
    /// <summary>
    /// Clean clips are smooth (low-pass filtered noise, like voiced sound); noisy = clean + white noise.
    /// A short filter can remove much of the noise, so training must beat the identity.
    /// </summary>
    public static PairedClips LowPassPlusWhiteNoise(int count, int length, int seed, double noiseStd = 0.3)
    {
        var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        var source = randn(new long[] { count, 1, length }, generator: generator);
        var smoothing = full(new long[] { 8, 1, 1 }, 1.0f / 8);
        var clean = Workbook.Fast.CausalConvolution.Filter(source, smoothing);
        var noisy = clean + (float)noiseStd * randn(new long[] { count, 1, length }, generator: generator);
        var names = Enumerable.Range(0, count).Select(i => $"synthetic {i}").ToArray();
        return new PairedClips(names, noisy.MoveToOuterDisposeScope(), clean.MoveToOuterDisposeScope(), 16000, "synthetic");
    }

    /// <summary>
    /// A folder of WAV pairs as the command line reads one: <c>PARENT/pairs/noisy/clipNN.wav</c> and
    /// <c>PARENT/pairs/clean/clipNN.wav</c>, <see cref="LowPassPlusWhiteNoise"/> with little noise, 16-bit at 16 kHz.
    /// Returns the folder.
    /// </summary>
    public static string WriteWavFolder(string parent, int count, int length)
    {
        string root = Path.Combine(parent, "pairs");
        Directory.CreateDirectory(Path.Combine(root, "noisy"));
        Directory.CreateDirectory(Path.Combine(root, "clean"));
        using var pairs = LowPassPlusWhiteNoise(count, length, seed: 5, noiseStd: 0.1);
        for (int q = 0; q < count; q++)
        {
            WavAudio.Write(Path.Combine(root, "noisy", $"clip{q:00}.wav"), pairs.Noisy[q, 0].data<float>().ToArray(), 16000);
            WavAudio.Write(Path.Combine(root, "clean", $"clip{q:00}.wav"), pairs.Clean[q, 0].data<float>().ToArray(), 16000);
        }
        return root;
    }
}
