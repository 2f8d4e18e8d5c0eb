using Workbook.Data;
using Workbook.Evaluation;
using Workbook.Networks;
using static TorchSharp.torch;

namespace Workbook.Tests.Evaluation;

/// <summary>The evaluation table's numbers against their definitions, computed here with plain loops over arrays.</summary>
public class EvaluationTableTests
{
    /// <summary>Two clips with known content: clean a square wave and a ramp, noisy the clean plus a fixed error.</summary>
    private static PairedClips KnownPairs()
    {
        int n = 200;
        var clean = new double[2 * n];
        var noisy = new double[2 * n];
        for (int i = 0; i < n; i++)
        {
            clean[i] = i % 2 == 0 ? 0.5 : -0.5;
            clean[n + i] = (i - n / 2) / (double)n;
            noisy[i] = clean[i] + 0.1 * Math.Sin(0.3 * i);
            noisy[n + i] = clean[n + i] + (i % 3 == 0 ? 0.2 : -0.1);
        }
        return new PairedClips(new[] { "a", "b" }, tensor(noisy).view(2, 1, n).to(float32), tensor(clean).view(2, 1, n).to(float32), 16000, "known");
    }

    /// <summary>The SNR of one clip by the formula: 10·log10(Σ y² / Σ (ŷ − y)²).</summary>
    private static double SnrByLoop(float[] estimate, float[] clean, int offset, int n)
    {
        double signal = 0, error = 0;
        for (int i = offset; i < offset + n; i++)
        {
            signal += (double)clean[i] * clean[i];
            error += ((double)estimate[i] - clean[i]) * ((double)estimate[i] - clean[i]);
        }
        return 10 * Math.Log10(signal / error);
    }

    /// <summary>A denoiser that halves the error of its input: its output is (noisy + clean) / 2.</summary>
    private sealed class HalfTheError(Tensor clean) : IDenoiser
    {
        public string Name => "half the error";
        public Tensor Denoise(Tensor noisy) => (noisy + clean) / 2;
    }

    [Fact]
    public void Every_column_equals_its_definition()
    {
        var clips = KnownPairs();
        var rows = EvaluationTable.Score(clips, new IDenoiser[] { new IdentityDenoiser(), new HalfTheError(clips.Clean) });
        Assert.Equal(new[] { "identity (noisy input)", "half the error" }, rows.Select(r => r.Name));

        var noisy = clips.Noisy.data<float>().ToArray();
        var clean = clips.Clean.data<float>().ToArray();
        var half = noisy.Zip(clean, (x, y) => (x + y) / 2).ToArray();
        int n = 200;
        double[] inputSnr = [SnrByLoop(noisy, clean, 0, n), SnrByLoop(noisy, clean, n, n)];
        double[] halfSnr = [SnrByLoop(half, clean, 0, n), SnrByLoop(half, clean, n, n)];

        var identity = rows[0];
        Assert.Equal(noisy.Zip(clean, (x, y) => Math.Abs((double)x - y)).Average(), identity.L1, 6);
        Assert.Equal(noisy.Zip(clean, (x, y) => ((double)x - y) * ((double)x - y)).Average(), identity.Mse, 7);
        Assert.Equal(inputSnr.Average(), identity.SnrDb, 4);
        Assert.Equal(0, identity.SnrImprovementDb, 9);
        Assert.Equal(0, identity.SiSdrImprovementDb, 9);

        var better = rows[1];
        Assert.Equal(identity.L1 / 2, better.L1, 6);
        Assert.Equal(identity.Mse / 4, better.Mse, 7);
        Assert.Equal(halfSnr.Average(), better.SnrDb, 4);
        // Halving the error raises each clip's SNR by 10·log10(4) ≈ 6.02 dB.
        Assert.Equal(10 * Math.Log10(4), better.SnrImprovementDb, 4);
        Assert.True(better.SiSdrImprovementDb > 0, $"ΔSI-SDR {better.SiSdrImprovementDb}");
        Assert.Equal(better.SiSdrDb - identity.SiSdrDb, better.SiSdrImprovementDb, 9);
    }

    [Fact]
    public void The_table_lists_every_score_under_its_column()
    {
        var rows = new[]
        {
            new DenoiserScore("identity (noisy input)", 0.041431, 0.003471, 5.38, 0, 5.36, 0),
            new DenoiserScore("CNN", 0.034542, 0.002575, 5.87, 0.49, 4.89, -0.48),
        };
        var lines = EvaluationTable.Format(rows).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("denoiser                       L1         MSE   SNR dB   ΔSNR dB  SI-SDR dB  ΔSI-SDR dB", lines[0].TrimEnd('\r'));
        Assert.Equal("identity (noisy input)    0.04143  3.471E-003     5.38      0.00       5.36        0.00", lines[1].TrimEnd('\r'));
        Assert.Equal("CNN                       0.03454  2.575E-003     5.87      0.49       4.89       -0.48", lines[2].TrimEnd('\r'));
    }

    [Fact]
    public void Short_names_still_get_a_column_eight_wide()
    {
        var text = EvaluationTable.Format(new[] { new DenoiserScore("a", 1, 1, 1, 1, 1, 1) });
        Assert.StartsWith("denoiser  ", text);
        Assert.Contains("\na         ", text);
    }

    [Fact]
    public void A_network_denoises_more_clips_than_one_chunk_as_if_all_at_once()
    {
        manual_seed(5);
        using var cnn = new MimoCnn(new CnnSpecification(new long[] { 4, 3 }, new long[] { 1, 2, 1 }));
        var noisy = randn(120, 1, 64);                        // 120 clips: chunks of 50, 50 and 20
        Tensor expected;
        using (no_grad()) expected = cnn.call(noisy);
        var denoiser = new NetworkDenoiser(cnn, "small");
        Assert.Equal("small", denoiser.Name);
        var output = denoiser.Denoise(noisy);
        Assert.Equal(new long[] { 120, 1, 64 }, output.shape);
        TensorAssert.Close(expected, output, 1e-6);
        Assert.Equal("CNN", new NetworkDenoiser(cnn).Name);
    }

    [Fact]
    public void The_identity_returns_its_input()
    {
        var x = randn(3, 1, 10);
        TensorAssert.Close(x, new IdentityDenoiser().Denoise(x), 0);
    }
}
