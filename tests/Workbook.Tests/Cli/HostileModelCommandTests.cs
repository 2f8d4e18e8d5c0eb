using Workbook.Data;
using Workbook.ModelFiles;
using Workbook.Networks;
using Workbook.Tests.Notebooks;
using Workbook.Tests.TorchFiles;
using static TorchSharp.torch;

namespace Workbook.Tests.Cli;

/// <summary>
/// Models from elsewhere through the command line: each hostile file or option is refused with one line that names
/// the file or option (control characters escaped, no .NET parameter names, no "unexpected" exception), and nothing
/// written before changes: no output file appears, a run folder keeps its previous model.
/// </summary>
public sealed class HostileModelCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("hostile-model-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string File(string name) => Path.Combine(folder, name);

    /// <summary>The one line the command printed, checked to be the refusal of a hostile input (exit <paramref name="exit"/>).</summary>
    private static string Refused(int exit, params string[] arguments)
    {
        var result = Repository.RunCli(arguments);
        Assert.True(result.ExitCode == exit, $"exit {result.ExitCode}: {result.Output}{result.Error}");
        string line = result.Error.Split('\n')[0];
        Assert.StartsWith("workbook: ", line);
        if (exit == 1) Assert.Single(result.Error.Trim().Split('\n'));
        Assert.DoesNotContain("unexpected", line);
        Assert.DoesNotContain("(Parameter '", line);
        Assert.DoesNotContain('\u001b', result.Error + result.Output);
        return line;
    }

    /// <summary>The handout's state_dict layout: layers.{l}.filter, each [K, G, F] over its own storage.</summary>
    private string StateDict(string name, params (long[] Shape, float[] Values)[] layers)
    {
        string path = File(name);
        var items = layers.Select((l, i) => ((object)$"layers.{i}.filter",
            (object?)new FakeTensor($"{i}", 0, l.Shape, [l.Shape[1] * l.Shape[2], l.Shape[2], 1]))).ToArray();
        TorchFileBuilder.WriteZip(path, new PyDict(items), layers.Select((l, i) => (i, l.Values)).ToDictionary(p => $"{p.i}", p => p.Values));
        return path;
    }

    [Fact]
    public void A_state_dict_claiming_a_hundred_million_taps_is_refused_by_evaluate_and_export_which_write_nothing()
    {
        string path = File("stride0.pt");
        TorchFileBuilder.WriteZip(path, new PyDict(("layers.0.filter", new FakeTensor("s", 0, [100_000_000, 1, 1], [0, 0, 0], Elements: 1))),
            new Dictionary<string, float[]> { ["s"] = [0.5f] });
        Assert.True(new FileInfo(path).Length < 2000);
        string expected = $"workbook: {path}: layers.0.filter (offset 0, shape [100000000, 1, 1], strides [0, 0, 0]) reads outside its storage of 1 elements";
        Assert.Equal(expected, Refused(1, "evaluate", "--model", path));
        Assert.Equal(expected, Refused(1, "export", "--model", path, "-o", File("out.pt")));
        Assert.False(System.IO.File.Exists(File("out.pt")));
        Assert.Equal(new[] { path }, Directory.GetFiles(folder));
    }

    [Fact]
    public void Non_finite_coefficients_are_refused_by_denoise_naming_the_file_and_tensor_and_no_output_appears()
    {
        string input = File("in.wav");
        WavAudio.Write(input, new float[1600], 16000);
        foreach (float bad in new[] { float.NaN, 3e38f })
        {
            string path = StateDict($"bad-{bad}.pt", (new long[] { 2, 1, 1 }, new[] { 0.5f, bad }));
            string line = Refused(1, "denoise", "--model", path, input, "-o", File("out.wav"));
            Assert.StartsWith($"workbook: {path}: layers.0.filter: coefficient 1 is ", line);
            Assert.False(System.IO.File.Exists(File("out.wav")));
        }
    }

    [Fact]
    public void Train_refuses_what_model_files_refuse_before_it_touches_the_output_folder()
    {
        string run = File("run");
        Directory.CreateDirectory(run);
        System.IO.File.WriteAllText(Path.Combine(run, "model.cnn"), "previous");
        var before = Directory.GetFileSystemEntries(run).Order().ToArray();

        Assert.Equal("workbook: --taps and --features: taps [70000] and features [1, 1]; each tap count must be 1 to 65536, each feature count 1 to 256",
            Refused(2, "train", "--taps", "70000", "--features", "1,1", "--out", run));
        Assert.StartsWith("workbook: --taps and --features: 100 layers; a model has 1 to 64",
            Refused(2, "train", "--taps", string.Join(",", Enumerable.Repeat(1, 100)), "--features", string.Join(",", Enumerable.Repeat(1, 101)), "--out", run));

        string deep = StateDict("deep.pt", Enumerable.Range(0, 100).Select(_ => (new long[] { 1, 1, 1 }, new[] { 1f })).ToArray());
        Assert.Equal($"workbook: {deep}: the state_dict describes 100 layers; a model has 1 to 64", Refused(1, "train", "--init-from", deep, "--out", run));
        string stereo = StateDict("stereo.pt", (new long[] { 3, 2, 1 }, new float[6]));
        Assert.Contains("a denoiser takes and gives one channel (mono audio)", Refused(1, "train", "--init-from", stereo, "--out", run));

        Assert.Equal(before, Directory.GetFileSystemEntries(run).Order().ToArray());
        Assert.Equal("previous", System.IO.File.ReadAllText(Path.Combine(run, "model.cnn")));
    }

    [Fact]
    public void A_data_path_with_control_characters_in_a_model_header_is_shown_escaped()
    {
        string path = File("ansi.cnn");
        using (var model = new MimoCnn(CnnSpecification.LabDenoiser))
            ModelFile.Save(model, path, new ModelFile.Header([40, 40], [1, 5, 1], TanhPlacement.BetweenLayers, 16000, "", "data\u001b[2J\u001b[31m"));
        Assert.Equal($"workbook: {path}: the model header names its data as 'data\\x1b[2J\\x1b[31m', a path with control characters; give --data",
            Refused(1, "evaluate", "--model", path));
    }

    [Fact]
    public void A_denoised_output_a_wav_file_cannot_hold_is_refused_before_the_model_is_read()
    {
        // A 16-bit mono WAV of 2.1 G samples (4 GB, sparse: it takes no disk); as 32-bit float the output would take 8 GB.
        string input = File("long.wav");
        long dataBytes = uint.MaxValue - 1000L & ~1L;
        using (var stream = new FileStream(input, FileMode.CreateNew))
        {
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.ASCII, leaveOpen: true))
            {
                writer.Write("RIFF"u8); writer.Write((uint)(36 + dataBytes)); writer.Write("WAVE"u8);
                writer.Write("fmt "u8); writer.Write(16); writer.Write((short)1); writer.Write((short)1); writer.Write(16000); writer.Write(32000); writer.Write((short)2); writer.Write((short)16);
                writer.Write("data"u8); writer.Write((uint)dataBytes);
            }
            stream.SetLength(44 + dataBytes);
        }
        string model = File("missing.cnn");   // never read: the refusal comes first
        string output = File("long-denoised.wav");
        string line = Refused(1, "denoise", "--model", model, "--float", input, "-o", output);
        Assert.Equal($"workbook: {output}: {dataBytes / 2} samples of 32-bit audio take 8.0 GiB, more than a WAV file's 32-bit sizes can describe (4 GiB); split the input into shorter files", line);
        Assert.False(System.IO.File.Exists(output));
        Assert.Empty(Directory.GetFiles(folder, ".*.tmp"));
    }
}
