using System.IO.Compression;
using System.Text.Json;
using Workbook.Networks;
using Workbook.Tests.Data;
using Workbook.Tests.Notebooks;
using Workbook.TorchFiles;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.ModelFiles;

namespace Workbook.Tests.TorchFiles;

/// <summary>
/// Export to the handout's <c>MIMO_CNN</c> state_dict: what PyTorch wrote (Fixtures/lab-cnn-state-dict.pt) survives a
/// round trip bit for bit, any network reads back to identical coefficients, and, where PyTorch is installed, the
/// handout's own class loads the file and gives our output.
/// </summary>
public sealed class LabStateDictExportTests : IDisposable
{
    private readonly ScratchFolder scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public void PyTorchs_file_exported_again_holds_the_same_keys_shapes_and_bits()
    {
        var original = LabStateDict.Read(FixtureFiles.Path("lab-cnn-state-dict.pt"));
        using (var cnn = LabStateDict.ToMimoCnn(original)) LabStateDict.Write(cnn, scratch.File("again.pt"));
        var again = LabStateDict.Read(scratch.File("again.pt"));

        Assert.Equal(original.Select(e => e.Key), again.Select(e => e.Key));
        for (int i = 0; i < original.Count; i++)
        {
            Assert.Equal(original[i].Value.shape, again[i].Value.shape);
            Assert.Equal(original[i].Value.data<float>().ToArray(), again[i].Value.data<float>().ToArray());
        }
        foreach (var entry in original.Concat(again)) entry.Value.Dispose();
    }

    [Fact]
    public void Any_network_reads_back_to_identical_coefficients_in_the_handouts_layout()
    {
        manual_seed(7);
        using var cnn = new MimoCnn(new CnnSpecification(new long[] { 3, 6, 2 }, new long[] { 1, 4, 2, 1 }, TanhPlacement.BetweenLayers));
        string path = scratch.File("three-layers.pt");
        LabStateDict.Write(cnn, path);

        var entries = LabStateDict.Read(path);
        Assert.Equal(new[] { "layers.0.filter", "layers.1.filter", "layers.2.filter" }, entries.Select(e => e.Key));
        Assert.Equal(new long[] { 3, 4, 1 }, entries[0].Value.shape);   // [K, G, F]
        Assert.Equal(new long[] { 6, 2, 4 }, entries[1].Value.shape);
        Assert.Equal(new long[] { 2, 1, 2 }, entries[2].Value.shape);
        foreach (var entry in entries) entry.Value.Dispose();

        using var back = LabStateDict.ReadMimoCnn(path);
        Assert.Equal(cnn.Specification, back.Specification);
        for (int l = 0; l < 3; l++)
            Assert.Equal(cnn.Layers[l].H.detach().data<float>().ToArray(), back.Layers[l].H.detach().data<float>().ToArray());
    }

    [Fact]
    public void The_file_is_a_torch_save_zip_with_one_pickle_and_a_storage_per_layer()
    {
        manual_seed(1);
        using var cnn = new MimoCnn(CnnSpecification.LabDenoiser);
        string path = scratch.File("lab.pt");
        LabStateDict.Write(cnn, path);
        using var zip = ZipFile.OpenRead(path);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        string archive = names.Single(n => n.EndsWith("/data.pkl", StringComparison.Ordinal))[..^"/data.pkl".Length];
        Assert.Contains($"{archive}/version", names);
        Assert.Equal(new long[] { 40 * 5 * 4, 40 * 5 * 4 }, new[] { "0", "1" }.Select(k => zip.GetEntry($"{archive}/data/{k}")!.Length));
        Assert.True(ModelSource.IsPyTorchFile(path));
    }

    [Fact]
    public void Evaluate_and_denoise_take_a_state_dict_as_the_model()
    {
        var (model, header) = ModelSource.Load(FixtureFiles.Path("lab-cnn-state-dict.pt"));
        using var _ = model;
        Assert.Equal(new long[] { 1, 5, 1 }, header.Features);
        Assert.Equal(16000, header.SampleRate);
        Assert.Equal(TanhPlacement.BetweenLayers, header.Tanh);
    }

    /// <summary>Real PyTorch, the handout's class (scripts/check-pytorch-interop.py): load_state_dict, then the same output.</summary>
    /// <remarks>Skipped where PyTorch is missing, except under CI=true (scripts/install-prerequisites.sh installs it there).</remarks>
    [SkippableFact]
    public void The_handouts_class_in_real_PyTorch_loads_the_export_and_gives_our_output()
    {
        string? python = PythonWithTorch();
        RequiredTool.Require(python != null, "PyTorch is not installed", "apt-get install -y python3-torch (Debian), or scripts/install-prerequisites.sh");

        manual_seed(3);
        var specification = new CnnSpecification(new long[] { 5, 40, 3 }, new long[] { 1, 3, 5, 1 }, TanhPlacement.BetweenLayers);
        using var cnn = new MimoCnn(specification);
        using var input = randn(1, 300);
        float[] output;
        using (no_grad()) output = cnn.call(input).data<float>().ToArray();
        LabStateDict.Write(cnn, scratch.File("model.pt"));
        File.WriteAllText(scratch.File("expected.json"), JsonSerializer.Serialize(new
        {
            taps = specification.Taps, features = specification.Features,
            input = input.data<float>().ToArray(), input_shape = input.shape, output,
        }));

        var result = Repository.Run(python!, new[] { Path.Combine(Repository.Root, "scripts", "check-pytorch-interop.py"),
            scratch.File("model.pt"), scratch.File("expected.json") }, scratch.Root, TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Output}{result.Error}");
        Assert.Contains("load_state_dict ok", result.Output);
    }

    /// <summary>The first Python that imports torch: Debian's python3-torch serves /usr/bin/python3, which a
    /// python3 earlier on PATH (pyenv, a venv) may not see.</summary>
    private static string? PythonWithTorch()
    {
        foreach (string candidate in new[] { Repository.FindProgram("python3"), "/usr/bin/python3" }.OfType<string>().Distinct())
        {
            if (!File.Exists(candidate)) continue;
            var probe = Repository.Run(candidate, new[] { "-c", "import torch" }, Repository.Root, TimeSpan.FromMinutes(1));
            if (probe.ExitCode == 0) return candidate;
        }
        return null;
    }
}
