using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using Workbook.Data;
using Workbook.Files;

namespace Workbook.TorchFiles;

/// <summary>
/// The pieces of <c>torch.save</c>'s file format that every reader of a <c>.pt</c> file needs: telling the zip and
/// legacy layouts apart, finding the pickle and the byte order in a zip, unpickling behind the allow-list, and
/// reading float32 storages. <see cref="CoursePairsFile"/> (a list of tensor pairs) and <see cref="LabStateDict"/>
/// (a network's <c>state_dict</c>) interpret what comes out differently.
/// </summary>
internal static class TorchSaveFormat
{
    /// <summary>The bytes a legacy .pt file starts with: pickle protocol 2, then the magic number.</summary>
    private static readonly byte[] PickleProtocol2 = [0x80, 0x02];

    /// <summary>The bytes every zip archive starts with ("PK\x03\x04").</summary>
    private static readonly byte[] ZipMagic = [0x50, 0x4B, 0x03, 0x04];

    /// <param name="start">the file's first (up to) four bytes</param>
    public static bool IsZip(ReadOnlySpan<byte> start) => start.Length >= 4 && start[..4].SequenceEqual(ZipMagic);

    /// <param name="start">the file's first (up to) four bytes</param>
    public static bool IsLegacy(ReadOnlySpan<byte> start) => start.Length >= 2 && start[..2].SequenceEqual(PickleProtocol2);

    /// <summary>True for exceptions that mean "the bytes are wrong", false for "the file could not be read at all".</summary>
    public static bool IsDamage(Exception e) =>
        e is not (OutOfMemoryException or UnauthorizedAccessException or FileNotFoundException or DirectoryNotFoundException)
        && (e is not IOException || e is EndOfStreamException);

    /// <summary>The <c>&lt;archive&gt;/data.pkl</c> entry and the archive folder's name.</summary>
    public static (ZipArchiveEntry Pickle, string Archive) FindPickle(ZipArchive zip, string path)
    {
        // data.pkl sits in one top-level folder whose name is whatever the file was first called.
        var pickleEntry = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)
                                                          && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length)
            ?? throw new InvalidDataException($"{path}: a zip archive without an <archive>/data.pkl entry, so not a file written by torch.save");
        return (pickleEntry, pickleEntry.FullName[..^"/data.pkl".Length]);
    }

    /// <summary>PyTorch 2 records the writer's byte order; files without the record are little-endian.</summary>
    public static bool IsBigEndian(ZipArchive zip, string archive, string path)
    {
        if (zip.GetEntry($"{archive}/byteorder") is not { } byteOrderEntry) return false;
        // "little" or "big": a record of more than a few bytes is not one torch.save wrote, so it is not read whole.
        string order = Encoding.ASCII.GetString(ReadEntry(byteOrderEntry, 64, path, "the byteorder record")).Trim();
        return order switch
        {
            "little" => false,
            "big" => true,
            _ => throw new InvalidDataException($"{path}: byteorder record says '{Quoted.Escape(order)}', expected 'little' or 'big'"),
        };
    }

    /// <summary>Pickle bytes any file may use, and the most a file needs per tensor beyond that (a tensor pickles to
    /// about 150 bytes, so 5000 tensors over one storage still fit in the base).</summary>
    private const long PickleBaseBytes = 1 << 20, PickleBytesPerStorage = 1 << 10;

    /// <summary>
    /// Reads <c>&lt;archive&gt;/data.pkl</c> whole and unpickles it behind the allow-list. It may not inflate beyond what a
    /// pickle of tensors over the archive's storage entries needs, so that a small file cannot claim gigabytes.
    /// </summary>
    public static object UnpickleEntry(ZipArchive zip, ZipArchiveEntry pickleEntry, string archive, string path)
    {
        int storageEntries = zip.Entries.Count(e => e.FullName.StartsWith(archive + "/data/", StringComparison.Ordinal));
        long limit = PickleBaseBytes + PickleBytesPerStorage * storageEntries;
        byte[] bytes = ReadEntry(pickleEntry, limit, path, $"the pickle ({Quoted.Escape(archive)}/data.pkl)");
        return Unpickle(new MemoryStream(bytes), path, bytes.Length);
    }

    /// <summary>Reads a whole zip entry of at most <paramref name="limit"/> bytes and checks its CRC-32.</summary>
    public static byte[] ReadEntry(ZipArchiveEntry entry, long limit, string path, string what)
    {
        if (entry.Length > limit)
            throw new InvalidDataException($"{path}: {what} inflates to {entry.Length} bytes; a file of saved tensors needs at most {limit} here");
        var bytes = new byte[entry.Length];
        using (var stream = entry.Open())
        {
            stream.ReadExactly(bytes);
            if (stream.ReadByte() >= 0) throw new InvalidDataException($"{path}: {what} holds more bytes than its zip entry declares ({entry.Length})");
        }
        if (Crc32.Append(0, bytes) != entry.Crc32)
            throw new InvalidDataException($"{path}: {what} is corrupt (its zip CRC-32 does not match)");
        return bytes;
    }

    /// <summary>How much a storage entry may inflate: PyTorch stores tensors uncompressed, and deflate gains little
    /// on audio or coefficients, so a far higher ratio is a zip bomb, not data.</summary>
    public const long MaxInflation = 16;

    /// <summary>Refuses a storage entry that inflates beyond <see cref="MaxInflation"/>:1 (and beyond 1 MB, which any
    /// entry may take), before it is read: a small file may not claim gigabytes.</summary>
    public static void RequirePlausibleInflation(ZipArchiveEntry entry, string key, string path)
    {
        if (entry.Length > Math.Max(1 << 20, MaxInflation * entry.CompressedLength))
            throw new InvalidDataException(
                $"{path}: storage {key} inflates from {entry.CompressedLength} to {entry.Length} bytes, more than {MaxInflation}:1; " +
                "torch.save stores tensors uncompressed, so this is not a file it wrote");
    }

    /// <summary>Reads one pickle after checking that it names only globals a file of tensors needs.</summary>
    /// <param name="maxBytes">the most the pickle may take: a bound tied to the file, so that a small file cannot inflate</param>
    public static object Unpickle(Stream stream, string path, long maxBytes = long.MaxValue)
    {
        var globals = new List<string>();
        byte[] pickle = PickleScanner.ReadOne(stream, globals, maxBytes);
        foreach (string global in globals)
            if (!TorchUnpickler.AllowedGlobals.Contains(global))
                throw new InvalidDataException(
                    $"{path}: refused: the pickle names the Python global '{Quoted.Escape(global)}', which a file of saved tensors does not need " +
                    "(a .pt file is a program that Python would run; only " + string.Join(", ", TorchUnpickler.AllowedGlobals.Order()) + " are allowed)");
        using var unpickler = new TorchUnpickler();
        return unpickler.loads(pickle);
    }

    /// <summary>
    /// Reads <paramref name="count"/> float32 values, in chunks so that storages beyond 2 GB of bytes still fit a span;
    /// <paramref name="crc"/> is the CRC-32 of the bytes as stored (before any byte swap), to check against the zip entry's.
    /// </summary>
    public static float[] ReadFloats(Stream stream, long count, bool bigEndian, out uint crc)
    {
        crc = 0;
        if (count > Array.MaxLength) throw new InvalidDataException($"a storage of {count} elements is too large for one array");
        var values = new float[count];
        const int chunk = 1 << 26;
        for (long done = 0; done < count; done += chunk)
        {
            var part = values.AsSpan((int)done, (int)Math.Min(chunk, count - done));
            stream.ReadExactly(MemoryMarshal.AsBytes(part));
            crc = Crc32.Append(crc, MemoryMarshal.AsBytes(part));
            if (bigEndian)
            {
                var raw = MemoryMarshal.Cast<float, int>(part);
                BinaryPrimitives.ReverseEndianness(raw, raw);
            }
        }
        return values;
    }
}
