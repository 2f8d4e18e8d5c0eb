using System.Text;
using System.Text.Json;
using Workbook.Data;
using Workbook.Networks;

namespace Workbook.Training;

/// <summary>
/// A trained CNN in one file, with everything needed to use it: the architecture (taps, features, tanh placement),
/// the sample rate it was trained at, a free-form description, then the coefficients in TorchSharp's format.
/// <para>Layout (format 2): the ASCII magic <c>WORKBOOK-CNN</c>, the format version (int32), the JSON header (a
/// length-prefixed UTF-8 string), the length of the coefficients (int64), a SHA-256 of the header's and the
/// coefficients' bytes, then the coefficients (<c>Module.save</c>'s bytes). Format 1 (no length, no checksum) is still read.</para>
/// <para>
/// A model file may come from anywhere, so <see cref="Load"/> trusts nothing in it before checking: the architecture
/// must be within <see cref="Limits"/> and its coefficients must be the bytes actually present, before the network is
/// allocated; then the checksum must match, so a flipped byte is reported as corruption rather than loaded.
/// </para>
/// <para>
/// Writes are atomic: the model goes to a temporary file in the same folder, is flushed to disk, and only then
/// replaces the target, so a crash leaves either the old file or the new one, never half of one.
/// </para>
/// </summary>
public static class ModelFile
{
    private const string Magic = "WORKBOOK-CNN";
    private const int FormatVersion = 2;

    /// <summary>The bounds a model header must respect: far beyond any audio CNN this workbook trains, far below what
    /// would exhaust memory (a model of <see cref="MaxParameters"/> coefficients takes 256 MB).</summary>
    public static class Limits
    {
        public const int MaxLayers = 64, MaxHeaderBytes = 1 << 16;
        public const long MaxTaps = 1 << 16, MaxFeatures = 1 << 12, MaxParameters = 1 << 26;
    }

    /// <summary><c>Module.save</c>'s bytes beyond the coefficients themselves: a count, and per tensor a name, dtype and shape.</summary>
    private const long SaveOverheadBase = 64, SaveOverheadPerLayer = 128;

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
        var coefficients = new MemoryStream();
        using (var coefficientWriter = new BinaryWriter(coefficients, Encoding.UTF8, leaveOpen: true)) model.save(coefficientWriter);
        string json = JsonSerializer.Serialize(header);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Encoding.ASCII.GetBytes(Magic));
            writer.Write(FormatVersion);
            writer.Write(json);
            writer.Write(coefficients.Length);
            writer.Write(Checksum(json, coefficients.GetBuffer().AsSpan(0, (int)coefficients.Length)));
            writer.Write(coefficients.GetBuffer(), 0, (int)coefficients.Length);
        });
    }

    /// <summary>Loads a model saved by <c>Save</c>; the network is rebuilt from the stored architecture.</summary>
    /// <exception cref="InvalidDataException">anything wrong with the file, named in one line: not a model, truncated,
    /// an impossible architecture, coefficients that do not fit it, or a checksum that does not match</exception>
    public static (MimoCnn Model, Header Header) Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file {path} does not exist", path);
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        Header header;
        string json;
        int version;
        try
        {
            var magic = reader.ReadBytes(Magic.Length);
            if (Encoding.ASCII.GetString(magic) != Magic)
                throw new InvalidDataException($"{path} is not a workbook model file (it does not start with {Magic})");
            version = reader.ReadInt32();
            if (version is not (1 or FormatVersion))
                throw new InvalidDataException($"{path} is a workbook model of format version {version}; this program reads versions 1 and {FormatVersion}");
            int jsonLength = reader.Read7BitEncodedInt();
            if (jsonLength < 0 || jsonLength > Limits.MaxHeaderBytes)
                throw new InvalidDataException($"{path}: the model header claims {jsonLength} bytes; at most {Limits.MaxHeaderBytes} are allowed");
            var jsonBytes = reader.ReadBytes(jsonLength);
            if (jsonBytes.Length != jsonLength) throw new EndOfStreamException("the file ends inside the header");
            json = Encoding.UTF8.GetString(jsonBytes);
            header = JsonSerializer.Deserialize<Header>(json)
                     ?? throw new InvalidDataException($"{path}: the model header is empty");
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or FormatException)
        {
            throw new InvalidDataException($"{path}: the model header is truncated or corrupt ({Quoted.Escape(e.Message)})", e);
        }
        long expectedBytes = CheckArchitecture(header, path);

        byte[] coefficients;
        try
        {
            long length = stream.Length - stream.Position;
            byte[]? storedChecksum = null;
            if (version >= 2)
            {
                long declared = reader.ReadInt64();
                storedChecksum = reader.ReadBytes(32);
                if (storedChecksum.Length != 32) throw new EndOfStreamException("the file ends inside the checksum");
                length = stream.Length - stream.Position;
                if (declared != length)
                    throw new InvalidDataException(declared > length
                        ? $"{path}: the model's coefficients are truncated ({length} of {declared} bytes present)"
                        : $"{path}: {length - declared} unexpected bytes after the coefficients");
            }
            // Module.save's bytes are the coefficients plus a little bookkeeping; anything else is not this architecture.
            if (length < expectedBytes || length > expectedBytes + SaveOverheadBase + SaveOverheadPerLayer * header.Taps.Length)
                throw new InvalidDataException(length < expectedBytes
                    ? $"{path}: the model's coefficients are truncated or do not match its architecture ({length} bytes for {expectedBytes / sizeof(float)} coefficients)"
                    : $"{path}: {length} bytes of coefficients are too many for {header.Specification} ({expectedBytes / sizeof(float)} coefficients)");
            coefficients = reader.ReadBytes((int)length);
            if (coefficients.Length != length) throw new EndOfStreamException("the file ends inside the coefficients");
            if (storedChecksum != null && !Checksum(json, coefficients).AsSpan().SequenceEqual(storedChecksum))
                throw new InvalidDataException($"{path}: the model file is corrupt: its checksum does not match its header and coefficients");
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: the model's coefficients are truncated ({e.Message})", e);
        }

        var model = new MimoCnn(header.Specification);
        try
        {
            using var coefficientReader = new BinaryReader(new MemoryStream(coefficients), Encoding.UTF8);
            model.load(coefficientReader, strict: true);
            if (coefficientReader.BaseStream.Position != coefficients.Length)
                throw new InvalidDataException($"{path}: {coefficients.Length - coefficientReader.BaseStream.Position} unexpected bytes after the coefficients");
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or InvalidOperationException or IOException)
        {
            model.Dispose();
            throw new InvalidDataException($"{path}: the model's coefficients are truncated or do not match its architecture ({FirstLine(e.Message)})", e);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return (model, header);
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

    /// <summary>SHA-256 over the header's UTF-8 bytes and the coefficients.</summary>
    private static byte[] Checksum(string json, ReadOnlySpan<byte> coefficients)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(json));
        hash.AppendData(coefficients);
        return hash.GetHashAndReset();
    }

    private static string FirstLine(string text) => Quoted.Escape(text.Split('\n')[0].Trim(), 200);
}
