using Workbook.Networks;
using Workbook.Training;
using Workbook.ModelFiles;

namespace Workbook.Tests.ModelFiles;

/// <summary>A model is told apart by its first bytes: a zip or a protocol-2 pickle is PyTorch's, anything else must be ours.</summary>
public sealed class ModelSourceTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("modelsource-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void The_first_bytes_decide_not_the_name()
    {
        Assert.True(ModelSource.IsPyTorchFile(Write("model.cnn", [0x50, 0x4B, 0x03, 0x04, 0, 0])));
        Assert.True(ModelSource.IsPyTorchFile(Write("a.bin", [0x80, 0x02, 0x8a])));
        Assert.True(ModelSource.IsPyTorchFile(Write("two.bin", [0x80, 0x02])));
        Assert.False(ModelSource.IsPyTorchFile(Write("lab.pt", "WORKBOOK-CNN"u8.ToArray())));
        Assert.False(ModelSource.IsPyTorchFile(Write("short.pt", [0x50, 0x4B, 0x03])));
        Assert.False(ModelSource.IsPyTorchFile(Write("empty.pt", [])));
    }

    [Fact]
    public void A_missing_model_is_named()
    {
        string path = Path.Combine(folder, "absent.cnn");
        var e = Assert.Throws<FileNotFoundException>(() => ModelSource.IsPyTorchFile(path));
        Assert.Equal($"model file {path} does not exist", e.Message);
        Assert.Throws<FileNotFoundException>(() => ModelSource.Load(path));
    }

    [Fact]
    public void A_model_file_of_ours_loads_with_its_own_header()
    {
        using var cnn = new MimoCnn(new CnnSpecification(new long[] { 3, 2 }, new long[] { 1, 2, 1 }, TanhPlacement.AfterEveryLayer));
        string path = Path.Combine(folder, "model.pt");   // our format under PyTorch's usual extension
        ModelFile.Save(cnn, path, 22050, "mine");
        var (model, header) = ModelSource.Load(path);
        using var _ = model;
        Assert.Equal(cnn.Specification, model.Specification);
        Assert.Equal((22050, "mine"), (header.SampleRate, header.Description));
    }
}
