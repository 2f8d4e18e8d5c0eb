using Workbook.Data;
using Workbook.Networks;
using Workbook.Fast;

namespace Workbook.ModelFiles;

/// <summary>
/// A trained CNN in one file, with everything needed to use it: the architecture (taps, features, tanh placement),
/// the sample rate it was trained at, a free-form description, then the coefficients in TorchSharp's format.
/// <para>The file is a <see cref="ModelContainer"/> with the magic <c>WORKBOOK-CNN</c>: header, length, SHA-256 and
/// coefficients, written atomically, checked before anything is allocated. Here: the header's architecture must be
/// within <see cref="ModelLimits"/> and its coefficients finite and bounded.</para>
/// </summary>
public static class ModelFile
{
    /// <summary>Format 2 added the coefficients' length and the checksum; format 1 files are still read.</summary>
    private static readonly ModelContainer Container = new("WORKBOOK-CNN", "workbook model", Version: 2, OldestVersion: 1, FirstChecksummedVersion: 2);

    /// <summary>The architecture and facts stored with the coefficients.</summary>
    /// <param name="Data">the data the model was trained on (a path, or null for the bundled set)</param>
    /// <param name="TestCount">how many pairs the split held out for testing</param>
    /// <param name="SplitSeed">the seed of that split, so <c>evaluate</c> can score on the same test clips</param>
    public sealed record Header(long[] Taps, long[] Features, TanhPlacement Tanh, int SampleRate, string Description,
        string? Data = null, int TestCount = 50, int SplitSeed = 1)
    {
        public CnnSpecification Specification => new(Taps, Features, Tanh);
    }

    /// <summary>Saves <paramref name="model"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(MimoCnn model, string path, int sampleRate, string description = "") =>
        Save(model, path, new Header(model.Specification.Taps.ToArray(), model.Specification.Features.ToArray(),
            model.Specification.Tanh, sampleRate, description));

    /// <summary>Saves <paramref name="model"/> with a full header (its architecture must match the model's).</summary>
    public static void Save(MimoCnn model, string path, Header header)
    {
        if (!header.Specification.Equals(model.Specification))
            throw new ArgumentException($"the header describes {header.Specification} but the model is {model.Specification}");
        // A file Load would refuse is never written (see ModelLimits).
        if (ModelLimits.Violation(model.Specification) is string violation)
            throw new ArgumentException($"{path}: not saved: the model has {violation}");
        Container.Write(path, header, model);
    }

    /// <summary>Loads a model saved by <c>Save</c>; the network is rebuilt from the stored architecture.</summary>
    /// <exception cref="InvalidDataException">anything wrong with the file, named in one line: not a model, truncated,
    /// an impossible architecture, coefficients that do not fit it, or a checksum that does not match</exception>
    public static (MimoCnn Model, Header Header) Load(string path)
    {
        var (header, coefficients) = Container.Read<Header>(path, h => new ModelContainer.Size(CheckArchitecture(h, path), h.Taps.Length));
        var model = ModelContainer.LoadCoefficients(new MimoCnn(header.Specification), coefficients, path);
        ModelContainer.RequireSaneCoefficients(model, path);
        return (model, header);
    }

    /// <summary>Checks the header's architecture against <see cref="ModelLimits"/>; returns the bytes its coefficients take.</summary>
    private static long CheckArchitecture(Header header, string path)
    {
        if (header.Taps is null || header.Features is null)
            throw new InvalidDataException($"{path}: the model header has no taps or features");
        if (ModelLimits.Violation(header.Specification) is string violation)
            throw new InvalidDataException($"{path}: the model header claims {violation}");
        if (header.SampleRate is < 1 or > 10_000_000)
            throw new InvalidDataException($"{path}: the model header claims a sample rate of {header.SampleRate} Hz");
        if (!Enum.IsDefined(header.Tanh))
            throw new InvalidDataException($"{path}: the model header names an unknown tanh placement ({(int)header.Tanh})");
        return header.Specification.ParameterCount * sizeof(float);
    }
}
