using Workbook.Data;
using Workbook.Networks;
using Workbook.Training;
using static TorchSharp.torch;

namespace Workbook.Tests.Training;

public sealed class ModelFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("modelfile-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_saved_model_loads_with_its_architecture_and_gives_the_same_output()
    {
        var spec = new CnnSpecification(new long[] { 5, 3, 2 }, new long[] { 1, 4, 2, 1 }, TanhPlacement.AfterEveryLayer);
        using var model = new MimoCnn(spec);
        string path = Path.Combine(folder, "model.cnn");
        ModelFile.Save(model, path, 16000, "test model");
        var (loaded, header) = ModelFile.Load(path);
        using var _ = loaded;
        Assert.Equal(spec, loaded.Specification);
        Assert.Equal(16000, header.SampleRate);
        Assert.Equal("test model", header.Description);
        var x = randn(2, 1, 100);
        using (no_grad()) TensorAssert.Close(model.call(x), loaded.call(x), 0);
    }

    [Fact]
    public void A_failed_save_leaves_the_existing_file_untouched_and_no_temporary_file()
    {
        string path = Path.Combine(folder, "model.cnn");
        File.WriteAllText(path, "the previous model");
        Assert.Throws<InvalidOperationException>(() =>
            AtomicFile.Write(path, stream => { stream.Write(new byte[1000]); throw new InvalidOperationException("crash mid-write"); }));
        Assert.Equal("the previous model", File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(folder));
    }

    [Fact]
    public void Corrupt_and_truncated_files_are_named_errors()
    {
        string path = Path.Combine(folder, "model.cnn");
        File.WriteAllText(path, "not a model at all");
        Assert.Contains("is not a workbook model file", Assert.Throws<InvalidDataException>(() => ModelFile.Load(path)).Message);

        using var model = new MimoCnn(CnnSpecification.LabDenoiser);
        ModelFile.Save(model, path, 16000);
        var bytes = File.ReadAllBytes(path);
        foreach (int cut in new[] { 14, 40, bytes.Length / 2, bytes.Length - 3 })
        {
            File.WriteAllBytes(path, bytes[..cut]);
            var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));
            Assert.Contains("truncated", e.Message);
        }
        Assert.Throws<FileNotFoundException>(() => ModelFile.Load(Path.Combine(folder, "missing.cnn")));
    }
}
