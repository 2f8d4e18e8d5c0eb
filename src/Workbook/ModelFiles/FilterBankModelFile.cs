using Workbook.Data;
using Workbook.Networks;
using Workbook.Files;
using Workbook.FilterBank;

namespace Workbook.ModelFiles;

/// <summary>
/// An <see cref="FilterBankCnn"/> in one file: a <see cref="ModelContainer"/> (as the lab's <see cref="ModelFile"/>) with
/// the magic <c>WORKBOOK-IMPROVED-CNN</c> and a JSON header holding the architecture, the sample rate, the data and
/// split it was trained on. The header's architecture is checked against bounds before anything is allocated.
/// </summary>
public static class FilterBankModelFile
{
    public const string Magic = "WORKBOOK-IMPROVED-CNN";
    private static readonly ModelContainer Container = new(Magic, "improved-CNN model", Version: 1, OldestVersion: 1, FirstChecksummedVersion: 1);

    /// <summary>The architecture and facts stored with the coefficients (see <see cref="ModelFile.Header"/>).</summary>
    public sealed record Header(FilterBankCnnSpecification Network, int SampleRate, string Description,
        string? Data = null, int TestCount = 50, int SplitSeed = 1);

    /// <summary>True when the file starts with <see cref="Magic"/>.</summary>
    public static bool IsImprovedModel(string path) => Container.Holds(path);

    /// <summary>Saves <paramref name="model"/> atomically (its architecture must be the header's).</summary>
    public static void Save(FilterBankCnn model, string path, Header header)
    {
        if (!header.Network.Equals(model.Specification))
            throw new ArgumentException($"the header describes {header.Network} but the model is {model.Specification}");
        if (ModelLimits.Violation(model.Specification) is string violation)
            throw new ArgumentException($"{path}: not saved: the model is {violation}");
        Container.Write(path, header, model);
    }

    /// <summary>Loads a model saved by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">anything wrong with the file, named in one line</exception>
    public static (FilterBankCnn Model, Header Header) Load(string path)
    {
        var (header, coefficients) = Container.Read<Header>(path, h => CheckArchitecture(h, path));
        var model = ModelContainer.LoadCoefficients(new FilterBankCnn(header.Network), coefficients, path);
        ModelContainer.RequireSaneCoefficients(model, path);
        return (model, header);
    }

    /// <summary>Checks the header against bounds (<see cref="ModelLimits"/>); returns the coefficients' size.</summary>
    private static ModelContainer.Size CheckArchitecture(Header header, string path)
    {
        var n = header.Network ?? throw new InvalidDataException($"{path}: the model header has no network");
        // Checked on its own: the message below describes the network, which needs its dilations.
        if (n.Dilations is null) throw new InvalidDataException($"{path}: the model header has no dilations");
        if (ModelLimits.Violation(n) is string violation)
            throw new InvalidDataException($"{path}: the model header describes {violation}");
        if (header.SampleRate is < 1 or > 10_000_000)
            throw new InvalidDataException($"{path}: the model header claims a sample rate of {header.SampleRate} Hz");
        // Module.save writes the analysis and synthesis filters, the 1×1 convolutions in and out (weight and bias
        // each), and per block a convolution's weight and bias and a PReLU slope.
        return new ModelContainer.Size(n.ParameterCount * sizeof(float), Tensors: 4 + 3 * n.Dilations.Count + 2);
    }
}
