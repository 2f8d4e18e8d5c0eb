using System.Globalization;
using NAudio.Wave;
using Workbook.Data;
using Workbook.Evaluation;
using Workbook.Signals;
using Workbook.Tests.Notebooks;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Fast;
using Workbook.ModelFiles;

namespace Workbook.Tests.Cli;

/// <summary>A model trained once by the command line on a small folder of WAV pairs, for the tests that use one.</summary>
public sealed class TrainedModelFixture : IDisposable
{
    private readonly ScratchFolder folder = new("cli-promises-");

    public string Folder => folder.Root;
    public string Data { get; }
    public string Model => Path.Combine(Folder, "run", "model.cnn");

    public TrainedModelFixture()
    {
        Data = SyntheticPairs.WriteWavFolder(Folder, 12, 2000);
        var train = CommandLine.Run("train", "--data", Data, "--epochs", "3", "--test-count", "4", "--taps", "8,8", "--out", Path.Combine(Folder, "run"));
        if (train.ExitCode != 0) throw new InvalidOperationException("train failed: " + train.Output + train.Error);
    }

    public void Dispose() => folder.Dispose();
}

/// <summary>
/// The README's promises about the command line, checked through the command line: numbers against the library's and
/// against hand-computed values, files against what must (not) be there.
/// </summary>
public sealed class ReadmePromiseTests(TrainedModelFixture trained) : IClassFixture<TrainedModelFixture>, IDisposable
{
    private readonly ScratchFolder folder = new("cli-promise-");

    public void Dispose() => folder.Dispose();

    private static string[] Train(string data, string output, params string[] more) =>
        new[] { "train", "--data", data, "--test-count", "4", "--taps", "8,8", "--out", output }.Concat(more).ToArray();

    private static void AssertNoPrivateFiles(string run)
    {
        Assert.Empty(Directory.GetDirectories(run, ".run-*"));                // no staging folder
        Assert.Empty(Directory.GetFiles(run, "*.tmp", SearchOption.AllDirectories));
    }

    // ---- no model after a NaN loss (a learning rate near float's largest: the coefficients overflow in the first epoch) ----

    [Fact]
    public void A_NaN_loss_writes_no_model_and_leaves_the_previous_one()
    {
        // Into a fresh folder: no model at all.
        string fresh = Path.Combine(folder, "fresh");
        var diverged = CommandLine.Run(Train(trained.Data, fresh, "--epochs", "2", "--lr", "1e38", "--batch-size", "1"));
        // At a learning rate of 1e38 the first non-finite loss is NaN or infinite depending on float rounding: either stops.
        Assert.True(diverged.ExitCode == 1 && NonFiniteLoss(diverged.Error), $"exit {diverged.ExitCode}: {diverged.Output}{diverged.Error}");
        Assert.Contains("no model written", diverged.Error);
        Assert.False(File.Exists(Path.Combine(fresh, "model.cnn")), "a model was written after a NaN loss");
        Assert.False(File.Exists(Path.Combine(fresh, "history.csv")));
        AssertNoPrivateFiles(fresh);

        // Into a folder with a model: that model, untouched.
        string run = Path.Combine(folder, "run");
        Directory.CreateDirectory(run);
        foreach (string name in new[] { "model.cnn", "history.csv", "loss.html" })
            File.Copy(Path.Combine(Path.GetDirectoryName(trained.Model)!, name), Path.Combine(run, name));
        var before = File.ReadAllBytes(Path.Combine(run, "model.cnn"));
        var again = CommandLine.Run(Train(trained.Data, run, "--epochs", "2", "--lr", "1e38", "--batch-size", "1"));
        Assert.True(again.ExitCode == 1 && NonFiniteLoss(again.Error), $"exit {again.ExitCode}: {again.Output}{again.Error}");
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(run, "model.cnn")));
        AssertNoPrivateFiles(run);
    }

    private static bool NonFiniteLoss(string error) => error.Contains("the loss became NaN") || error.Contains("the loss became infinite");

    // ---- a write that fails midway ----

    [SkippableFact]
    public void A_run_whose_write_fails_midway_leaves_the_previous_run_and_no_temporary_file()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/bin/bash"), "the file-size limit is set with bash's ulimit (Linux)");
        string run = Path.Combine(folder, "run");
        Directory.CreateDirectory(run);
        foreach (string name in new[] { "model.cnn", "history.csv", "loss.html" })
            File.Copy(Path.Combine(Path.GetDirectoryName(trained.Model)!, name), Path.Combine(run, name));
        var before = new[] { "model.cnn", "history.csv", "loss.html" }.ToDictionary(n => n, n => File.ReadAllBytes(Path.Combine(run, n)));

        // A disk that fills up: the kernel refuses writes beyond 1 MB per file (EFBIG), midway through loss.html (plotly.js inlined, ~4 MB).
        // (The runtime's W^X double mapping sizes a memory file, which the limit would refuse too: turned off for this process.)
        string command = "trap '' XFSZ; ulimit -f 1024; exec dotnet \"$@\"";
        var result = Repository.Run("/bin/bash", new[] { "-c", command, "bash", Repository.CliDll }.Concat(Train(trained.Data, run, "--epochs", "1", "--seed", "3")),
            Repository.Root, TimeSpan.FromMinutes(3), new Dictionary<string, string> { ["WORKBOOK_THREADS"] = "1", ["DOTNET_EnableWriteXorExecute"] = "0" });
        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}: {result.Output}{result.Error}");
        Assert.Contains("too large", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Single(result.Error.Trim().Split('\n'));
        foreach (var (name, bytes) in before) Assert.True(bytes.SequenceEqual(File.ReadAllBytes(Path.Combine(run, name))), $"{name} changed");
        AssertNoPrivateFiles(run);
    }

    // ---- evaluate prints the library's scores ----

    [Fact]
    public void Evaluate_prints_the_librarys_scores_and_the_identity_computed_by_hand()
    {
        var evaluate = CommandLine.Run("evaluate", "--model", trained.Model);
        Assert.True(evaluate.ExitCode == 0, evaluate.Output + evaluate.Error);
        var printed = ParseTable(evaluate.Output);
        Assert.Equal(4, printed.Count);

        // The library's scores of the same four denoisers on the same split.
        var (model, header) = ModelFile.Load(trained.Model);
        using var _ = model;
        using var clips = DataSource.Load(trained.Data);
        var (train, test) = DataSplit.Split(clips, header.TestCount, header.SplitSeed);
        using var __ = train;
        using var ___ = test;
        var expected = EvaluationTable.Score(test, new IDenoiser[]
            { new IdentityDenoiser(), WienerFilter.Fit(train.Noisy, train.Clean, WienerFilter.DefaultTaps), new SpectralWiener(), new NetworkDenoiser(model, "lab CNN") });
        for (int row = 0; row < 4; row++)
        {
            var (name, values) = printed[row];
            var score = expected[row];
            Assert.Equal(score.Name, name);
            AssertPrinted(score.L1, values[0], 0.5e-5, $"{name} L1");
            Assert.True(Math.Abs(score.Mse - values[1]) <= 0.5e-3 * Math.Abs(score.Mse) + 1e-12, $"{name} MSE: printed {values[1]}, library {score.Mse}");
            AssertPrinted(score.SnrDb, values[2], 0.005, $"{name} SNR");
            AssertPrinted(score.SnrImprovementDb, values[3], 0.005, $"{name} ΔSNR");
            AssertPrinted(score.SiSdrDb, values[4], 0.005, $"{name} SI-SDR");
            AssertPrinted(score.SiSdrImprovementDb, values[5], 0.005, $"{name} ΔSI-SDR");
        }

        // The identity by hand: L1, MSE and mean SNR of noisy against clean, in loops over the samples.
        float[] noisy = test.Noisy.data<float>().ToArray(), clean = test.Clean.data<float>().ToArray();
        int n = (int)test.Length;
        double absolute = 0, squared = 0, snr = 0;
        for (int q = 0; q < test.Count; q++)
        {
            double signal = 0, error = 0;
            for (int i = q * n; i < (q + 1) * n; i++)
            {
                double d = (double)noisy[i] - clean[i];
                absolute += Math.Abs(d);
                squared += d * d;
                signal += (double)clean[i] * clean[i];
                error += d * d;
            }
            snr += 10 * Math.Log10(signal / error) / test.Count;
        }
        var identity = printed[0].Values;
        AssertPrinted(absolute / noisy.Length, identity[0], 0.5e-5, "identity L1 by hand");
        Assert.True(Math.Abs(squared / noisy.Length - identity[1]) <= 0.5e-3 * squared / noisy.Length, "identity MSE by hand");
        AssertPrinted(snr, identity[2], 0.005, "identity SNR by hand");
        Assert.Equal(0.0, identity[3]);   // ΔSNR of doing nothing
        Assert.Equal(0.0, identity[5]);   // ΔSI-SDR of doing nothing
        // The least-squares filter removes some of the white noise: it must improve on the input.
        Assert.True(printed[1].Values[3] > 0, $"FIR ΔSNR {printed[1].Values[3]} dB is not above 0");
        Assert.True(printed[1].Values[0] < identity[0], "the FIR filter's L1 is not below the identity's");
    }

    private static void AssertPrinted(double expected, double printed, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - printed) <= tolerance + 1e-9, $"{what}: printed {printed}, expected {expected:G8}");

    /// <summary>The rows of evaluate's table: the name, then its six numbers.</summary>
    private static List<(string Name, double[] Values)> ParseTable(string output)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd()).ToList();
        int header = lines.FindIndex(l => l.StartsWith("denoiser", StringComparison.Ordinal));
        Assert.True(header >= 0, output);
        var rows = new List<(string, double[])>();
        foreach (string line in lines.Skip(header + 1).Where(l => l.Length > 0))
        {
            var match = System.Text.RegularExpressions.Regex.Match(line, @"^(.*?)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$");
            Assert.True(match.Success, line);
            rows.Add((match.Groups[1].Value, Enumerable.Range(2, 6).Select(g => double.Parse(match.Groups[g].Value, CultureInfo.InvariantCulture)).ToArray()));
        }
        return rows;
    }

    // ---- denoise writes the model's forward pass ----

    [Fact]
    public void Denoise_at_16_kHz_writes_the_models_forward_pass_by_the_definition()
    {
        // A 16 kHz float input: no resampling, so the output must be the network's output on the samples, computed here
        // with the shift-register definition of the convolution rather than the fast path the command uses.
        string input = Path.Combine(folder, "speech16k.wav");
        var samples = Enumerable.Range(0, 6000).Select(n => 0.4f * MathF.Sin(2 * MathF.PI * 220 * n / 16000) + 0.05f * MathF.Sin(n * 1.7f)).ToArray();
        WavAudio.Write(input, samples, 16000, WavSampleFormat.Float32);
        float[] expected = ForwardByDefinition(samples);
        Assert.True(Rms(expected) > 0.05 * Rms(samples), "the model's output is (nearly) silent: the test would not see a silent denoise");

        string output = Path.Combine(folder, "out-float.wav");
        var denoise = CommandLine.Run("denoise", "--model", trained.Model, input, "--float", "-o", output);
        Assert.True(denoise.ExitCode == 0, denoise.Output + denoise.Error);
        var written = ReadRaw(output, out int rate);
        Assert.Equal(16000, rate);
        AssertCloseTo(expected, written, 1e-5f, "float output");

        // 16-bit output: the same, within one step of 1/32768.
        string pcm = Path.Combine(folder, "out-pcm.wav");
        Assert.Equal(0, CommandLine.Run("denoise", "--model", trained.Model, input, "-o", pcm).ExitCode);
        AssertCloseTo(expected, ReadRaw(pcm, out _), 1.01f / 32768 + 1e-5f, "16-bit output");
    }

    [Fact]
    public void Denoise_at_44_1_kHz_stereo_is_the_forward_pass_between_two_resamplings_with_the_band_above_joined_back()
    {
        // Channels that do not cancel: their mean is 0.75 × the left one.
        string input = Path.Combine(folder, "speech44k.wav");
        const int rate = 44100, length = 30000;
        // A steady 15 kHz tone too, above the network's band: the noise-floor gate takes it, following the network keeps it.
        var left = Enumerable.Range(0, length).Select(n => 0.3f * MathF.Sin(2 * MathF.PI * 300 * n / rate) + 0.02f * MathF.Sin(n * 0.9f)
            + 0.05f * MathF.Sin(2 * MathF.PI * 15000 * n / rate)).ToArray();
        using (var writer = new WaveFileWriter(input, WaveFormat.CreateIeeeFloatWaveFormat(rate, 2)))
            for (int n = 0; n < length; n++)
            {
                writer.WriteSample(left[n]);
                writer.WriteSample(0.5f * left[n]);
            }
        var mono = left.Select(v => (v + 0.5f * v) / 2).ToArray();
        var atModelRate = AudioResampler.Resample(mono, rate, 16000);
        var lowOut = AudioResampler.Resample(ForwardByDefinition(atModelRate), 16000, rate);
        Array.Resize(ref lowOut, length);
        Assert.True(Rms(lowOut) > 0.05 * Rms(mono), "the model's output is (nearly) silent");
        // Above 16 kHz the band above 8 kHz (mono minus its trip to 16 kHz and back) is joined back, gated (BandSplit).
        var lowIn = AudioResampler.Resample(atModelRate, 16000, rate);
        Array.Resize(ref lowIn, length);
        var expected = BandSplit.Join(mono, lowIn, lowOut, rate);

        string output = Path.Combine(folder, "out44k.wav");
        var denoise = CommandLine.Run("denoise", "--model", trained.Model, input, "--float", "-o", output);
        Assert.True(denoise.ExitCode == 0, denoise.Output + denoise.Error);
        var written = ReadRaw(output, out int writtenRate);
        Assert.Equal(rate, writtenRate);
        AssertCloseTo(expected, written, 1e-5f, "44.1 kHz output");

        // --high-band follow: the high band follows the network alone (no noise-floor gate).
        string follow = Path.Combine(folder, "out44k-follow.wav");
        Assert.Equal(0, CommandLine.Run("denoise", "--model", trained.Model, input, "--float", "--high-band", "follow", "-o", follow).ExitCode);
        var followed = BandSplit.Join(mono, lowIn, lowOut, rate, HighBandGate.FollowNetwork);
        AssertCloseTo(followed, ReadRaw(follow, out _), 1e-5f, "44.1 kHz output, --high-band follow");
        Assert.True(Rms(followed.Zip(expected, (a, b) => a - b).ToArray()) > 0.01, "the two ways of gating the high band differ on this input");
    }

    private float[] ForwardByDefinition(float[] samples)
    {
        var (model, _) = ModelFile.Load(trained.Model);
        using var __ = model;
        model.Algorithm = ConvolutionAlgorithm.ShiftRegister;
        model.eval();
        using var scope = NewDisposeScope();
        using var ___ = no_grad();
        return model.call(tensor(samples).view(1, 1, -1)).view(-1).data<float>().ToArray();
    }

    /// <summary>The samples of a mono WAV file as stored (float, or 16-bit integer / 32768), read with NAudio.</summary>
    private static float[] ReadRaw(string path, out int rate)
    {
        using var reader = new WaveFileReader(path);
        rate = reader.WaveFormat.SampleRate;
        Assert.Equal(1, reader.WaveFormat.Channels);
        var provider = reader.ToSampleProvider();
        var samples = new List<float>();
        var buffer = new float[4096];
        int read;
        while ((read = provider.Read(buffer.AsSpan())) > 0) samples.AddRange(buffer.AsSpan(0, read));
        return samples.ToArray();
    }

    private static double Rms(float[] x) => Math.Sqrt(x.Sum(v => (double)v * v) / x.Length);

    private static void AssertCloseTo(float[] expected, float[] actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = Math.Max(1f, expected.Max(MathF.Abs));
        for (int n = 0; n < expected.Length; n++)
            Assert.True(Math.Abs(expected[n] - actual[n]) <= tolerance * scale, $"{what}, sample {n}: expected {expected[n]}, written {actual[n]}");
    }
}
