using Workbook.Networks;
using Workbook.Training;
using Workbook.ModelFiles;

namespace Workbook.Tests.ModelFiles;

/// <summary><see cref="ModelSource.LoadNetwork"/>: the lab's CNN with its facts, and a missing file named.</summary>
public sealed class ModelSourceNetworkTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("modelsource-network-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_lab_model_loads_with_its_history_of_taps_minus_one_per_layer()
    {
        var spec = new CnnSpecification(new long[] { 5, 3, 2 }, new long[] { 1, 2, 2, 1 }, TanhPlacement.BetweenLayers);
        string path = Path.Combine(folder, "lab.cnn");
        using (var model = new MimoCnn(spec))
            ModelFile.Save(model, path, new ModelFile.Header([5, 3, 2], [1, 2, 2, 1], TanhPlacement.BetweenLayers, 8000, "", "data", 7, 3));
        using var network = ModelSource.LoadNetwork(path);
        Assert.Equal(("lab CNN", spec.ToString(), 4 + 2 + 1L, 8000), (network.Name, network.Architecture, network.History, network.SampleRate));
        Assert.Equal(("data", 7, 3), (network.Data, network.TestCount, network.SplitSeed));
    }

    [Fact]
    public void A_missing_model_is_named()
    {
        string path = Path.Combine(folder, "missing.cnn");
        Assert.Equal($"model file {path} does not exist", Assert.Throws<FileNotFoundException>(() => ModelSource.LoadNetwork(path)).Message);
    }
}
