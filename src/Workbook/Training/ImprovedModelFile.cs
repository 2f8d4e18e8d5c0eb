using System.Text;
using System.Text.Json;
using Workbook.Data;
using Workbook.Networks;

namespace Workbook.Training;

/// <summary>
/// An <see cref="ImprovedCnn"/> in one file, laid out as <see cref="ModelFile"/> lays out the lab's CNN (format 2):
/// the ASCII magic <c>WORKBOOK-IMPROVED-CNN</c>, the format version, a length-prefixed JSON header (the architecture,
/// the sample rate, the data and split it was trained on), the length of the coefficients, a SHA-256 of header and
/// coefficients, then <c>Module.save</c>'s bytes. The header's architecture is checked against bounds, and the
/// coefficients' length against it, before anything is allocated; the checksum before anything is loaded.
/// </summary>
public static class ImprovedModelFile
{
    public const string Magic = "WORKBOOK-IMPROVED-CNN";
    private const int FormatVersion = 1;

    /// <summary><c>Module.save</c>'s bytes beyond the coefficients: a count, and per tensor a name, dtype and shape.</summary>
    private const long SaveOverheadBase = 64, SaveOverheadPerTensor = 128;

    /// <summary>The architecture and facts stored with the coefficients (see <see cref="ModelFile.Header"/>).</summary>
    public sealed record Header(ImprovedCnnSpecification Network, int SampleRate, string Description,
        string? Data = null, int TestCount = 50, int SplitSeed = 1);

    /// <summary>True when the file starts with <see cref="Magic"/>.</summary>
    public static bool IsImprovedModel(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var start = new byte[Magic.Length];
        return file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) == start.Length && Encoding.ASCII.GetString(start) == Magic;
    }

    /// <summary>Saves <paramref name="model"/> atomically (its architecture must be the header's).</summary>
    public static void Save(ImprovedCnn model, string path, Header header)
    {
        if (!header.Network.Equals(model.Specification))
            throw new ArgumentException($"the header describes {header.Network} but the model is {model.Specification}");
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

    /// <summary>Loads a model saved by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">anything wrong with the file, named in one line</exception>
    public static (ImprovedCnn Model, Header Header) Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file {path} does not exist", path);
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        Header header;
        string json;
        byte[] coefficients;
        try
        {
            if (Encoding.ASCII.GetString(reader.ReadBytes(Magic.Length)) != Magic)
                throw new InvalidDataException($"{path} is not an improved-CNN model file (it does not start with {Magic})");
            int version = reader.ReadInt32();
            if (version != FormatVersion)
                throw new InvalidDataException($"{path} is an improved-CNN model of format version {version}; this program reads version {FormatVersion}");
            int jsonLength = reader.Read7BitEncodedInt();
            if (jsonLength < 0 || jsonLength > ModelFile.Limits.MaxHeaderBytes)
                throw new InvalidDataException($"{path}: the model header claims {jsonLength} bytes; at most {ModelFile.Limits.MaxHeaderBytes} are allowed");
            var jsonBytes = reader.ReadBytes(jsonLength);
            if (jsonBytes.Length != jsonLength) throw new EndOfStreamException("the file ends inside the header");
            json = Encoding.UTF8.GetString(jsonBytes);
            header = JsonSerializer.Deserialize<Header>(json) ?? throw new InvalidDataException($"{path}: the model header is empty");
            long expectedBytes = CheckArchitecture(header, path);
            long declared = reader.ReadInt64();
            var storedChecksum = reader.ReadBytes(32);
            if (storedChecksum.Length != 32) throw new EndOfStreamException("the file ends inside the checksum");
            long length = stream.Length - stream.Position;
            if (declared != length)
                throw new InvalidDataException(declared > length
                    ? $"{path}: the model's coefficients are truncated ({length} of {declared} bytes present)"
                    : $"{path}: {length - declared} unexpected bytes after the coefficients");
            int tensors = 4 + 3 * header.Network.Dilations.Count + 2;
            if (length < expectedBytes || length > expectedBytes + SaveOverheadBase + SaveOverheadPerTensor * tensors)
                throw new InvalidDataException($"{path}: {length} bytes of coefficients do not fit {header.Network} ({expectedBytes / sizeof(float)} coefficients)");
            coefficients = reader.ReadBytes((int)length);
            if (coefficients.Length != length) throw new EndOfStreamException("the file ends inside the coefficients");
            if (!Checksum(json, coefficients).AsSpan().SequenceEqual(storedChecksum))
                throw new InvalidDataException($"{path}: the model file is corrupt: its checksum does not match its header and coefficients");
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or FormatException or NotSupportedException)
        {
            throw new InvalidDataException($"{path}: the model file is truncated or corrupt ({Quoted.Escape(e.Message.Split('\n')[0], 200)})", e);
        }

        var model = new ImprovedCnn(header.Network);
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
            throw new InvalidDataException($"{path}: the model's coefficients do not match its architecture ({Quoted.Escape(e.Message.Split('\n')[0], 200)})", e);
        }
        return (model, header);
    }

    /// <summary>Checks the header against bounds (those of <see cref="ModelFile.Limits"/>); returns the coefficients' bytes.</summary>
    private static long CheckArchitecture(Header header, string path)
    {
        var n = header.Network ?? throw new InvalidDataException($"{path}: the model header has no network");
        if (n.Dilations is null || n.Dilations.Count > ModelFile.Limits.MaxLayers
            || n.Bands is < 1 or > (int)ModelFile.Limits.MaxFeatures || n.Hidden is < 1 or > (int)ModelFile.Limits.MaxFeatures
            || n.BandTaps is < 1 or > (int)ModelFile.Limits.MaxTaps || n.Hop is < 1 or > (int)ModelFile.Limits.MaxTaps
            || n.Dilations.Any(d => d is < 1 or > (int)ModelFile.Limits.MaxTaps))
            throw new InvalidDataException($"{path}: the model header describes an impossible network ({Quoted.Escape(n.ToString(), 200)})");
        if (n.ParameterCount > ModelFile.Limits.MaxParameters)
            throw new InvalidDataException($"{path}: the model header claims {n.ParameterCount} coefficients; at most {ModelFile.Limits.MaxParameters} are allowed");
        if (header.SampleRate is < 1 or > 10_000_000)
            throw new InvalidDataException($"{path}: the model header claims a sample rate of {header.SampleRate} Hz");
        return n.ParameterCount * sizeof(float);
    }

    private static byte[] Checksum(string json, ReadOnlySpan<byte> coefficients)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(json));
        hash.AppendData(coefficients);
        return hash.GetHashAndReset();
    }
}
