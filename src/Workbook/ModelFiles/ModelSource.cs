using Workbook.Networks;
using Workbook.TorchFiles;

namespace Workbook.ModelFiles;

/// <summary>
/// Where a trained network comes from: the workbook's own model file (<see cref="ModelFile"/>, written by <c>train</c>)
/// or the handout's PyTorch <c>state_dict</c> (<see cref="LabStateDict"/>, <c>torch.save(model.state_dict(), path)</c>).
/// Told apart by their first bytes, not by the name: a zip archive is PyTorch's, anything else must be ours.
/// </summary>
public static class ModelSource
{
    /// <summary>The rate the course's clips are sampled at; a state_dict does not record one.</summary>
    public const int LabSampleRate = 16000;

    /// <summary>Loads either kind. A state_dict's header says what a state_dict cannot: the lab's sample rate,
    /// tanh between layers (the handout's code), the bundled data and the default split.</summary>
    /// <exception cref="InvalidDataException">neither kind, or a damaged one; the message names the file</exception>
    public static (MimoCnn Model, ModelFile.Header Header) Load(string path)
    {
        if (!IsPyTorchFile(path)) return ModelFile.Load(path);
        var model = LabStateDict.ReadMimoCnn(path);
        var specification = model.Specification;
        return (model, new ModelFile.Header(specification.Taps.ToArray(), specification.Features.ToArray(), specification.Tanh,
            LabSampleRate, $"PyTorch state_dict {path}"));
    }

    /// <summary>
    /// Loads any trained network: the lab's CNN (<see cref="Load"/>) or an improved CNN (<see cref="FilterBankModelFile"/>),
    /// told apart by the file's first bytes.
    /// </summary>
    public static TrainedNetwork LoadNetwork(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file {path} does not exist", path);
        if (FilterBankModelFile.IsImprovedModel(path))
        {
            var (improved, h) = FilterBankModelFile.Load(path);
            return new TrainedNetwork(improved, "improved CNN", h.Network.ToString(), h.Network.History, h.SampleRate, h.Data, h.TestCount, h.SplitSeed);
        }
        var (lab, header) = Load(path);
        return new TrainedNetwork(lab, "lab CNN", lab.Specification.ToString(), lab.Specification.Taps.Sum(k => k - 1), header.SampleRate,
            header.Data, header.TestCount, header.SplitSeed);
    }

    /// <summary>True when the file starts like a zip archive, which is what <c>torch.save</c> writes since PyTorch 1.6.</summary>
    public static bool IsPyTorchFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file {path} does not exist", path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Span<byte> start = stackalloc byte[4];
        int read = file.ReadAtLeast(start, 4, throwOnEndOfStream: false);
        return TorchSaveFormat.IsZip(start[..read]) || TorchSaveFormat.IsLegacy(start[..read]);
    }
}
