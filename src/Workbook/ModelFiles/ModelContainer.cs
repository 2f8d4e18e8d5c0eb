using System.Text;
using System.Text.Json;
using Workbook.Data;
using static TorchSharp.torch;
using Workbook.Files;

namespace Workbook.ModelFiles;

/// <summary>
/// The container every model file of the workbook shares (<see cref="ModelFile"/> for the lab's CNN,
/// <see cref="FilterBankModelFile"/> for the improved one); only the magic and the header's type differ.
/// <para>Layout: an ASCII magic, the format version (int32), the JSON header (a length-prefixed UTF-8 string), the
/// length of the coefficients (int64), a SHA-256 of the header's and the coefficients' bytes, then the coefficients
/// (<c>Module.save</c>'s bytes). Versions before <see cref="FirstChecksummedVersion"/> have neither length nor checksum.</para>
/// <para>A model file may come from anywhere, so <see cref="Read"/> trusts nothing in it before checking: the header
/// must be short, its architecture sane (the caller's check, run before anything is allocated), the coefficients
/// exactly the bytes present and about the size that architecture needs, and the checksum must match, so a flipped
/// byte is reported as corruption rather than loaded. <see cref="Write"/> is atomic (<see cref="AtomicFile"/>).</para>
/// </summary>
/// <param name="Magic">the file's first bytes</param>
/// <param name="Kind">what the file is, for messages ("workbook model", "improved-CNN model")</param>
/// <param name="Version">the version written; versions from <paramref name="OldestVersion"/> to it are read</param>
internal sealed record ModelContainer(string Magic, string Kind, int Version, int OldestVersion, int FirstChecksummedVersion)
{
    /// <summary>Header bytes beyond which a file is refused unread.</summary>
    public const int MaxHeaderBytes = 1 << 16;

    /// <summary><c>Module.save</c>'s bytes beyond the coefficients themselves: a count, and per tensor a name, dtype and shape.</summary>
    private const long SaveOverheadBase = 64, SaveOverheadPerTensor = 128;

    /// <summary>What <see cref="Read"/>'s caller says about a header once it has checked it.</summary>
    /// <param name="CoefficientBytes">the bytes its coefficients take as float32</param>
    /// <param name="Tensors">how many tensors <c>Module.save</c> writes for it (each adds a little bookkeeping)</param>
    public readonly record struct Size(long CoefficientBytes, int Tensors);

    /// <summary>True when the file starts with this container's magic.</summary>
    public bool Holds(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var start = new byte[Magic.Length];
        return file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) == start.Length && Encoding.ASCII.GetString(start) == Magic;
    }

    /// <summary>Writes <paramref name="header"/> and <paramref name="module"/>'s coefficients to <paramref name="path"/> atomically.</summary>
    public void Write<THeader>(string path, THeader header, nn.Module module)
    {
        var coefficients = new MemoryStream();
        using (var coefficientWriter = new BinaryWriter(coefficients, Encoding.UTF8, leaveOpen: true)) module.save(coefficientWriter);
        var bytes = coefficients.GetBuffer().AsSpan(0, (int)coefficients.Length).ToArray();
        string json = JsonSerializer.Serialize(header);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Encoding.ASCII.GetBytes(Magic));
            writer.Write(Version);
            writer.Write(json);
            writer.Write((long)bytes.Length);
            writer.Write(Checksum(json, bytes));
            writer.Write(bytes);
        });
    }

    /// <summary>Reads and checks the header and the coefficients' bytes; nothing is allocated for the network yet.</summary>
    /// <param name="checkHeader">throws <see cref="InvalidDataException"/> for a header out of bounds; returns its size</param>
    /// <exception cref="InvalidDataException">anything wrong with the file, named in one line</exception>
    public (THeader Header, byte[] Coefficients) Read<THeader>(string path, Func<THeader, Size> checkHeader) where THeader : class
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file {path} does not exist", path);
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        THeader header;
        string json;
        int version;
        try
        {
            if (Encoding.ASCII.GetString(reader.ReadBytes(Magic.Length)) != Magic)
                throw new InvalidDataException($"{path} is not a {Kind} file (it does not start with {Magic})");
            version = reader.ReadInt32();
            if (version < OldestVersion || version > Version)
                throw new InvalidDataException($"{path} is a {Kind} of format version {version}; this program reads " +
                                               (OldestVersion == Version ? $"version {Version}" : $"versions {OldestVersion} to {Version}"));
            int jsonLength = reader.Read7BitEncodedInt();
            if (jsonLength < 0 || jsonLength > MaxHeaderBytes)
                throw new InvalidDataException($"{path}: the model header claims {jsonLength} bytes; at most {MaxHeaderBytes} are allowed");
            var jsonBytes = reader.ReadBytes(jsonLength);
            if (jsonBytes.Length != jsonLength) throw new EndOfStreamException("the file ends inside the header");
            json = Encoding.UTF8.GetString(jsonBytes);
            header = JsonSerializer.Deserialize<THeader>(json) ?? throw new InvalidDataException($"{path}: the model header is empty");
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or FormatException or NotSupportedException)
        {
            throw new InvalidDataException($"{path}: the model header is truncated or corrupt ({FirstLine(e.Message)})", e);
        }
        var size = checkHeader(header);

        try
        {
            long length = stream.Length - stream.Position;
            byte[]? storedChecksum = null;
            if (version >= FirstChecksummedVersion)
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
            long expected = size.CoefficientBytes;
            if (length < expected || length > expected + SaveOverheadBase + SaveOverheadPerTensor * size.Tensors)
                throw new InvalidDataException(length < expected
                    ? $"{path}: the model's coefficients are truncated or do not match its architecture ({length} bytes for {expected / sizeof(float)} coefficients)"
                    : $"{path}: {length} bytes of coefficients are too many for its architecture ({expected / sizeof(float)} coefficients)");
            var coefficients = reader.ReadBytes((int)length);
            if (coefficients.Length != length) throw new EndOfStreamException("the file ends inside the coefficients");
            if (storedChecksum != null && !Checksum(json, coefficients).AsSpan().SequenceEqual(storedChecksum))
                throw new InvalidDataException($"{path}: the model file is corrupt: its checksum does not match its header and coefficients");
            return (header, coefficients);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: the model's coefficients are truncated ({e.Message})", e);
        }
    }

    /// <summary>Loads <paramref name="coefficients"/> (from <see cref="Read"/>) into a freshly built <paramref name="model"/>,
    /// which must take every byte; on failure the model is disposed and the file named.</summary>
    public static TModule LoadCoefficients<TModule>(TModule model, byte[] coefficients, string path) where TModule : nn.Module
    {
        try
        {
            using var coefficientReader = new BinaryReader(new MemoryStream(coefficients), Encoding.UTF8);
            model.load(coefficientReader, strict: true);
            if (coefficientReader.BaseStream.Position != coefficients.Length)
                throw new InvalidDataException($"{path}: {coefficients.Length - coefficientReader.BaseStream.Position} unexpected bytes after the coefficients");
            return model;
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
    }

    /// <summary>Refuses a loaded model whose coefficients are not finite or beyond <see cref="ModelLimits.MaxCoefficient"/>
    /// (naming the file and the tensor); the model is disposed then.</summary>
    public static void RequireSaneCoefficients(nn.Module model, string path)
    {
        try { ModelLimits.RequireSaneCoefficients(model, path); }
        catch
        {
            model.Dispose();
            throw;
        }
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
