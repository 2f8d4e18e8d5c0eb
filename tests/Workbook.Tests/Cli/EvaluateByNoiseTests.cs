using Workbook.Data;
using Workbook.Evaluation;
using Workbook.ModelFiles;
using Workbook.Networks;
using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Cli;

/// <summary>
/// <c>evaluate --by-noise --data PATH</c>: pairs from elsewhere get the input-SNR bands, measured on each pair's noisy
/// and clean clips, and no noise kinds (only the bundled set records them).
/// </summary>
public sealed class EvaluateByNoiseTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("by-noise-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_folder_of_pairs_is_scored_by_input_snr_band_with_no_noise_kinds()
    {
        // 12 pairs at 1, 4.5 and 8 dB input SNR in turn: one in each band of ScoreBreakdown.SnrBands.
        double[] snrs = [1, 4.5, 8];
        string data = Path.Combine(folder, "pairs");
        Directory.CreateDirectory(Path.Combine(data, "noisy"));
        Directory.CreateDirectory(Path.Combine(data, "clean"));
        for (int q = 0; q < 12; q++)
        {
            var clean = Enumerable.Range(0, 4000).Select(n => (float)(0.4 * Math.Sin(2 * Math.PI * (200 + 40 * q) * n / 16000.0))).ToArray();
            var noise = BackgroundNoise.Generate(NoiseKind.White, clean.Length, 500 + q);
            WavAudio.Write(Path.Combine(data, "clean", $"clip{q:00}.wav"), clean, 16000, WavSampleFormat.Float32);
            WavAudio.Write(Path.Combine(data, "noisy", $"clip{q:00}.wav"), SignalToNoiseRatio.AddNoise(clean, noise, snrs[q % 3]), 16000, WavSampleFormat.Float32);
        }
        const int testCount = 6, splitSeed = 1;
        string model = Path.Combine(folder, "model.cnn");
        using (var network = new MimoCnn(new CnnSpecification([4], [1, 1], TanhPlacement.BetweenLayers)))
            ModelFile.Save(network, model, new ModelFile.Header([4], [1, 1], TanhPlacement.BetweenLayers, 16000, "test", data, testCount, splitSeed));

        var result = Repository.RunCli(["evaluate", "--model", model, "--data", data, "--by-noise"]);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains($"by input SNR only: {data} does not record each clip's noise kind", result.Output);
        var test = DataSplit.Permutation(12, splitSeed)[..testCount];
        for (int band = 0; band < 3; band++)
        {
            int clips = test.Count(q => q % 3 == band);
            string name = ScoreBreakdown.SnrBands[band].Name;
            if (clips > 0) Assert.Contains($"{name} ({clips})", result.Output);
            else Assert.DoesNotContain(name, result.Output);
        }
        foreach (var kind in BackgroundNoise.Kinds) Assert.DoesNotContain($"{kind.ToString().ToLowerInvariant()} (", result.Output);
    }
}
