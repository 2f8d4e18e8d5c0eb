using System.Text;
using System.Text.Json;
using Workbook.Data;
using Workbook.Networks;

namespace Workbook.Training;

/// <summary>
/// A trained CNN in one file, with everything needed to use it: the architecture (taps, features, tanh placement),
/// the sample rate it was trained at, a free-form description, then the coefficients in TorchSharp's format.
/// <para>Layout: the ASCII magic <c>WORKBOOK-CNN</c>, a format version, a JSON header, then <c>Module.save</c>'s bytes.</para>
/// <para>
/// Writes are atomic: the model goes to a temporary file in the same folder, is flushed to disk, and only then
/// replaces the target, so a crash leaves either the old file or the new one, never half of one.
/// </para>
/// </summary>
public static class ModelFile
{
    private const string Magic = "WORKBOOK-CNN";
    private const int FormatVersion = 1;

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
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Encoding.ASCII.GetBytes(Magic));
            writer.Write(FormatVersion);
            writer.Write(JsonSerializer.Serialize(header));
            model.save(writer);
        });
    }

    /// <summary>Loads a model saved by <c>Save</c>; the network is rebuilt from the stored architecture.</summary>
    public static (MimoCnn Model, Header Header) Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file {path} does not exist", path);
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        Header header;
        try
        {
            var magic = reader.ReadBytes(Magic.Length);
            if (Encoding.ASCII.GetString(magic) != Magic)
                throw new InvalidDataException($"{path} is not a workbook model file (it does not start with {Magic})");
            int version = reader.ReadInt32();
            if (version != FormatVersion)
                throw new InvalidDataException($"{path} is a workbook model of format version {version}; this program reads version {FormatVersion}");
            header = JsonSerializer.Deserialize<Header>(reader.ReadString())
                     ?? throw new InvalidDataException($"{path}: the model header is empty");
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new InvalidDataException($"{path}: the model header is truncated or corrupt ({e.Message})", e);
        }
        var model = new MimoCnn(header.Specification);
        try
        {
            model.load(reader, strict: true);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or InvalidOperationException or IOException)
        {
            model.Dispose();
            throw new InvalidDataException($"{path}: the model's coefficients are truncated or do not match its architecture ({e.Message})", e);
        }
        if (stream.Position != stream.Length)
        {
            model.Dispose();
            throw new InvalidDataException($"{path}: {stream.Length - stream.Position} unexpected bytes after the coefficients");
        }
        return (model, header);
    }
}
