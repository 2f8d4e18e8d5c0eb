using NAudio.Wave;
using Workbook.Data;
using Workbook.Tests.Notebooks;
using static TorchSharp.torch;
using Workbook.Files;

namespace Workbook.Tests.Cli;

/// <summary>The command line as a user runs it: a separate process, its exit code, its output and the files it writes.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly ScratchFolder folder = new("cli-");

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(new string[0], "Usage:")]
    [InlineData(new[] { "fly" }, "unknown verb 'fly'")]
    [InlineData(new[] { "train", "--epochs", "x" }, "--epochs must be a whole number >= 1, not 'x'")]
    [InlineData(new[] { "train", "--lerning-rate", "0.1" }, "unknown option --lerning-rate")]
    [InlineData(new[] { "train", "--features", "1,5" }, "--taps and --features: 2 layers but 2 feature counts (expected 3)")]
    [InlineData(new[] { "evaluate" }, "evaluate needs --model FILE")]
    [InlineData(new[] { "train", "--tanh-every-layer", "no" }, "--tanh-every-layer is a switch and takes no value, not 'no'")]
    [InlineData(new[] { "denoise", "--model", "m.cnn", "--float=yes", "in.wav" }, "--float is a switch and takes no value, not 'yes'")]
    [InlineData(new[] { "train", "--device", "toaster" }, "unknown device")]
    [InlineData(new[] { "train", "--taps", "0,40" }, "--taps and --features: taps [0, 40] and features [1, 5, 1]; each tap count must be 1 to 65536")]
    [InlineData(new[] { "train", "--epoch", "3" }, "unknown option --epoch (did you mean --epochs?)")]
    [InlineData(new[] { "tran" }, "unknown verb 'tran' (did you mean train?)")]
    [InlineData(new[] { "export", "--model", "m.cnn" }, "export needs -o FILE.pt")]
    public void Bad_arguments_print_the_problem_and_the_verbs_usage_and_exit_2(string[] arguments, string message)
    {
        var result = CommandLine.Run(arguments);
        Assert.Equal(2, result.ExitCode);
        if (arguments.Length > 0) Assert.StartsWith("workbook: ", result.Error);
        if (arguments.Length > 0 && arguments[0] is "train" or "denoise")
        {
            Assert.Contains("Usage:", result.Error);
            Assert.Contains($"workbook {arguments[0]} ", result.Error);
            Assert.DoesNotContain(arguments[0] == "train" ? "denoise a WAV file" : "train the denoiser", result.Error);
        }
        Assert.Contains(message, result.Output + result.Error);
        Assert.DoesNotContain("   at ", result.Error); // no stack trace
    }

    [Fact]
    public void The_maintainers_benchmarks_are_a_verb_of_their_own_marked_as_such_in_the_help()
    {
        var help = CommandLine.Run("--help");
        Assert.True(help.ExitCode == 0, help.Output + help.Error);
        string line = help.Output.Split('\n').Single(l => l.TrimStart().StartsWith("maintainer", StringComparison.Ordinal));
        Assert.Contains("for the workbook's maintainers, not the lab", line);

        var bench = CommandLine.Run("bench", "--help");
        Assert.DoesNotContain("--grading", bench.Output);
        Assert.DoesNotContain("--long-audio", bench.Output);
        var maintainer = CommandLine.Run("maintainer", "--help");
        Assert.Contains("grading", maintainer.Output);
        Assert.Contains("long-audio", maintainer.Output);
        var refused = CommandLine.Run("bench", "--grading");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("unknown option --grading", refused.Error);
    }

    [Theory]
    [InlineData(new string[0], "48 kHz stereo")]
    [InlineData(new[] { "--rate", "16000", "--channels", "1" }, "16 kHz mono")]
    public void The_long_audio_bench_denoises_a_file_of_the_rate_and_channels_asked_for(string[] format, string described)
    {
        var result = CommandLine.Run(new[] { "maintainer", "long-audio", "0.1" }.Concat(format).ToArray());
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains($"0.1 min of {described} 16-bit WAV", result.Output);
        Assert.Matches(@"denoised in [0-9.]+ s: [0-9]+× real time; peak memory [0-9]+ MB", result.Output);
    }

    [Fact]
    public void Train_evaluate_and_denoise_on_a_folder_of_wav_pairs()
    {
        string data = SyntheticPairs.WriteWavFolder(folder, 12, 2000);
        string run = Path.Combine(folder, "run");
        var train = CommandLine.Run("train", "--data", data, "--epochs", "3", "--test-count", "4", "--taps", "8,8", "--out", run);
        Assert.True(train.ExitCode == 0, train.Output + train.Error);
        Assert.Equal(3, train.Output.Split('\n').Count(l => l.Contains("epoch") && l.Contains("train_l1") && l.Contains("test_l1")));
        Assert.StartsWith("epoch,train_l1,test_l1,train_mse,test_mse\n", File.ReadAllText(Path.Combine(run, "history.csv")));
        Assert.Equal(4, File.ReadAllLines(Path.Combine(run, "history.csv")).Length);
        Assert.Contains("<script", File.ReadAllText(Path.Combine(run, "loss.html")));
        string model = Path.Combine(run, "model.cnn");

        var evaluate = CommandLine.Run("evaluate", "--model", model);
        Assert.True(evaluate.ExitCode == 0, evaluate.Output + evaluate.Error);
        foreach (string row in new[] { "identity", "linear FIR (80 taps", "CNN", "ΔSI-SDR dB" }) Assert.Contains(row, evaluate.Output);

        // A stereo 24-bit file at 44.1 kHz comes back mono at 44.1 kHz with the same number of samples.
        string input = Path.Combine(folder, "speech.wav");
        using (var writer = new WaveFileWriter(input, new WaveFormat(44100, 24, 2)))
            for (int n = 0; n < 30000; n++)
            {
                float v = 0.3f * MathF.Sin(2 * MathF.PI * 300 * n / 44100);
                writer.WriteSample(v);
                writer.WriteSample(-v);
            }
        string output = Path.Combine(folder, "speech-clean.wav");
        var denoise = CommandLine.Run("denoise", "--model", model, input, "-o", output);
        Assert.True(denoise.ExitCode == 0, denoise.Output + denoise.Error);
        using (var reader = new WaveFileReader(output))
        {
            Assert.Equal(44100, reader.WaveFormat.SampleRate);
            Assert.Equal(30000, reader.SampleCount);
        }

        var overwrite = CommandLine.Run("denoise", "--model", model, input, "-o", input);
        Assert.Equal(1, overwrite.ExitCode);
        Assert.Contains("refusing to overwrite the input", overwrite.Error);

        // The input under another name (a symlink), a FIFO and a device as outputs: refused, nothing replaced.
        string alias = Path.Combine(folder, "alias.wav");
        File.CreateSymbolicLink(alias, input);
        var before = File.ReadAllBytes(input);
        var throughLink = CommandLine.Run("denoise", "--model", model, alias, "-o", input);
        Assert.Equal(1, throughLink.ExitCode);
        Assert.Contains("refusing to overwrite the input", throughLink.Error);
        Assert.Equal(before, File.ReadAllBytes(input));
        string fifo = Path.Combine(folder, "pipe.wav");
        System.Diagnostics.Process.Start("mkfifo", fifo).WaitForExit();
        foreach (string target in new[] { fifo, "/dev/null" })
        {
            var special = CommandLine.Run("denoise", "--model", model, input, "--float", "-o", target);
            Assert.Equal(1, special.ExitCode);
            Assert.Contains("refusing to write over", special.Error);
            Assert.Single(special.Error.Trim().Split('\n'));
        }
        Assert.Equal(FileKind.Fifo, FileIdentity.OfLink(fifo)!.Value.Kind);
        Assert.Empty(Directory.GetFiles(folder, ".*.tmp"));
    }

    [Fact]
    public void A_PyTorch_state_dict_is_a_model_for_evaluate_denoise_and_train_and_export_writes_one()
    {
        string stateDict = Path.Combine(AppContext.BaseDirectory, "Fixtures", "lab-cnn-state-dict.pt");
        var evaluate = CommandLine.Run("evaluate", "--model", stateDict);
        Assert.True(evaluate.ExitCode == 0, evaluate.Output + evaluate.Error);
        Assert.Contains("(taps [40, 40], features [1, 5, 1], tanh between layers)", evaluate.Output);
        Assert.Contains("CNN", evaluate.Output);

        string input = Path.Combine(folder, "tone.wav");
        WavAudio.Write(input, Enumerable.Range(0, 4000).Select(n => 0.3f * MathF.Sin(n * 0.1f)).ToArray(), 16000);
        var denoise = CommandLine.Run("denoise", "--model", stateDict, input);
        Assert.True(denoise.ExitCode == 0, denoise.Output + denoise.Error);
        Assert.True(File.Exists(Path.Combine(folder, "tone-denoised.wav")));

        // Our model file → .pt → the same coefficients; then training starts from them.
        string exported = Path.Combine(folder, "lab.pt");
        var export = CommandLine.Run("export", "--model", stateDict, "-o", exported);
        Assert.True(export.ExitCode == 0, export.Output + export.Error);
        Assert.Contains("model.load_state_dict(torch.load(\"lab.pt\"))", export.Output);
        var original = Workbook.TorchFiles.LabStateDict.Read(stateDict);
        var again = Workbook.TorchFiles.LabStateDict.Read(exported);
        for (int i = 0; i < 2; i++) Assert.Equal(original[i].Value.data<float>().ToArray(), again[i].Value.data<float>().ToArray());

        string run = Path.Combine(folder, "from-pytorch");
        var train = CommandLine.Run("train", "--data", SyntheticPairs.WriteWavFolder(folder, 12, 2000), "--test-count", "4", "--epochs", "1", "--init-from", exported, "--out", run);
        Assert.True(train.ExitCode == 0, train.Output + train.Error);
        Assert.Contains($"starting from the coefficients of {exported}", train.Output);
        var both = CommandLine.Run("train", "--init-from", exported, "--taps", "3,3");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--init-from takes the architecture from the model", both.Error);
    }

    [Fact]
    public void A_corrupt_model_or_missing_data_is_one_readable_line()
    {
        string model = Path.Combine(folder, "broken.cnn");
        File.WriteAllText(model, "WORKBOOK-CNN but then nothing useful");
        var result = CommandLine.Run("evaluate", "--model", model);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("broken.cnn is a workbook model of format version", result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));

        var missing = CommandLine.Run("train", "--data", Path.Combine(folder, "nowhere.pt"), "--epochs", "1");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("nowhere.pt", missing.Error);
    }
}
