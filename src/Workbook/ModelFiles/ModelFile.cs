using Workbook.Data;
using Workbook.Networks;
using Workbook.Fast;

namespace Workbook.ModelFiles;

/// <summary>
/// A trained CNN in one file, with everything needed to use it: the architecture (taps, features, tanh placement),
/// the sample rate it was trained at, a free-form description, then the coefficients in TorchSharp's format.
/// <para>The file is a <see cref="ModelContainer"/> with the magic <c>WORKBOOK-CNN</c>: header, length, SHA-256 and
/// coefficients, written atomically, checked before anything is allocated. Here: the header's architecture must be
/// within <see cref="Limits"/>.</para>
/// </summary>
public static class ModelFile
{
    /// <summary>Format 2 added the coefficients' length and the checksum; format 1 files are still read.</summary>
    private static readonly ModelContainer Container = new("WORKBOOK-CNN", "workbook model", Version: 2, OldestVersion: 1, FirstChecksummedVersion: 2);

    /// <summary>The bounds a model header must respect: far beyond any audio CNN this workbook trains, far below what
    /// would exhaust memory (a model of <see cref="MaxParameters"/> coefficients takes 256 MB).</summary>
    public static class Limits
    {
        public const int MaxLayers = 64, MaxHeaderBytes = ModelContainer.MaxHeaderBytes;
        public const long MaxTaps = 1 << 16, MaxFeatures = 1 << 12, MaxParameters = 1 << 26;
    }

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
        Container.Write(path, header, model);
    }

    /// <summary>Loads a model saved by <c>Save</c>; the network is rebuilt from the stored architecture.</summary>
    /// <exception cref="InvalidDataException">anything wrong with the file, named in one line: not a model, truncated,
    /// an impossible architecture, coefficients that do not fit it, or a checksum that does not match</exception>
    public static (MimoCnn Model, Header Header) Load(string path)
    {
        var (header, coefficients) = Container.Read<Header>(path, h => new ModelContainer.Size(CheckArchitecture(h, path), h.Taps.Length));
        return (ModelContainer.LoadCoefficients(new MimoCnn(header.Specification), coefficients, path), header);
    }

    /// <summary>Checks the header's architecture against <see cref="Limits"/>; returns the bytes its coefficients take.</summary>
    private static long CheckArchitecture(Header header, string path)
    {
        if (header.Taps is null || header.Features is null)
            throw new InvalidDataException($"{path}: the model header has no taps or features");
        int layers = header.Taps.Length;
        if (layers < 1 || layers > Limits.MaxLayers)
            throw new InvalidDataException($"{path}: the model header claims {layers} layers; a model has 1 to {Limits.MaxLayers}");
        if (header.Features.Length != layers + 1)
            throw new InvalidDataException($"{path}: the model header has {layers} layers but {header.Features.Length} feature counts (expected {layers + 1})");
        if (header.Taps.Any(k => k < 1 || k > Limits.MaxTaps) || header.Features.Any(f => f < 1 || f > Limits.MaxFeatures))
            throw new InvalidDataException(
                $"{path}: the model header claims taps [{string.Join(", ", header.Taps)}] and features [{string.Join(", ", header.Features)}]; " +
                $"each tap count must be 1 to {Limits.MaxTaps}, each feature count 1 to {Limits.MaxFeatures}");
        long parameters = header.Specification.ParameterCount;   // at most 64 · 2^16 · 2^24: no overflow
        if (parameters > Limits.MaxParameters)
            throw new InvalidDataException($"{path}: the model header claims {parameters} coefficients; at most {Limits.MaxParameters} are allowed");
        if (header.SampleRate is < 1 or > 10_000_000)
            throw new InvalidDataException($"{path}: the model header claims a sample rate of {header.SampleRate} Hz");
        if (!Enum.IsDefined(header.Tanh))
            throw new InvalidDataException($"{path}: the model header names an unknown tanh placement ({(int)header.Tanh})");
        return parameters * sizeof(float);
    }
}
