using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace Workbook.Tests.TorchFiles;

/// <summary>A tensor for <see cref="TorchFileBuilder"/>: a view of storage <paramref name="Key"/>.</summary>
/// <param name="Elements">the element count its storage record claims; by default the storage's length, or just enough for this view</param>
internal sealed record FakeTensor(string Key, long Offset, long[] Size, long[] Stride, string StorageClass = "FloatStorage", long? Elements = null);

/// <summary>A Python tuple for <see cref="TorchFileBuilder"/> (a C# list stands for a Python list).</summary>
internal sealed record PyTuple(params object[] Items);

/// <summary>A Python dict for <see cref="TorchFileBuilder"/>: EMPTY_DICT, then its items by SETITEMS.</summary>
internal sealed record PyDict(params (object Key, object? Value)[] Items);

/// <summary>A Python global (a module's attribute) for <see cref="TorchFileBuilder"/>, named by GLOBAL.</summary>
internal sealed record PyGlobal(string Module, string Name);

/// <summary><c>callable(*args)</c> for <see cref="TorchFileBuilder"/>: the callable, the arguments as a tuple, REDUCE.</summary>
internal sealed record PyCall(object Callable, params object?[] Args);

/// <summary>A persistent id for <see cref="TorchFileBuilder"/> (how torch refers to a storage): the id, then BINPERSID.</summary>
internal sealed record PyPersistent(object Id);

/// <summary>
/// Writes .pt files the way <c>torch.save</c> does (protocol-2 pickle, zip layout), from a small object model,
/// so that tests can make the wrong layouts PyTorch users produce without needing Python.
/// </summary>
internal static class TorchFileBuilder
{
    /// <summary>Writes a zip-format .pt file: <c>archive/data.pkl</c>, <c>archive/byteorder</c>, <c>archive/data/&lt;key&gt;</c>.</summary>
    public static void WriteZip(string path, object root, IReadOnlyDictionary<string, float[]> storages,
        string archive = "archive", bool bigEndian = false)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        Add(zip, $"{archive}/data.pkl", Pickle(root, storages));
        Add(zip, $"{archive}/byteorder", Encoding.ASCII.GetBytes(bigEndian ? "big" : "little"));
        foreach (var (key, values) in storages)
        {
            var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
            if (bigEndian)
                for (int i = 0; i < bytes.Length; i += 4) Array.Reverse(bytes, i, 4);
            Add(zip, $"{archive}/data/{key}", bytes);
        }
    }

    /// <summary>Writes a zip that holds the given entries and nothing else, stored (as torch.save does) unless told otherwise.</summary>
    public static void WriteZipEntries(string path, IReadOnlyDictionary<string, byte[]> entries, CompressionLevel level = CompressionLevel.NoCompression)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in entries) Add(zip, name, bytes, level);
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes, CompressionLevel level = CompressionLevel.NoCompression)
    {
        using var stream = zip.CreateEntry(name, level).Open();
        stream.Write(bytes);
    }

    /// <summary>The protocol-2 pickle PyTorch would write for <paramref name="root"/>.</summary>
    /// <param name="legacy">whether storage records carry the legacy format's sixth element, view metadata (None)</param>
    public static byte[] Pickle(object root, IReadOnlyDictionary<string, float[]> storages, bool legacy = false)
    {
        var o = new MemoryStream();
        o.Write([0x80, 0x02]); // PROTO 2
        Write(o, root, storages, legacy);
        o.WriteByte((byte)'.'); // STOP
        return o.ToArray();
    }

    /// <summary>The function torch.save calls to rebuild a tensor.</summary>
    public static readonly PyGlobal RebuildTensor = new("torch._utils", "_rebuild_tensor_v2");

    /// <summary><c>_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())</c>, torch.save's call for a tensor,
    /// with <paramref name="storageRecord"/> (<c>("storage", class, key, device, count)</c>) as the storage's persistent id.</summary>
    public static PyCall Rebuild(object storageRecord, object offset, object size, object stride) =>
        new(RebuildTensor, new PyPersistent(storageRecord), offset, size, stride, false, new PyCall(new PyGlobal("collections", "OrderedDict")));

    /// <summary>
    /// torch.save's legacy layout (before PyTorch 1.6): five pickles in a row (magic number, protocol version, system
    /// info, <paramref name="root"/>, the storage key list), then each storage as an int64 element count and its values.
    /// </summary>
    /// <param name="keyList">the fifth pickle; by default the keys of <paramref name="storages"/></param>
    /// <param name="data">what follows the pickles; by default each storage of <paramref name="storages"/> in order</param>
    public static byte[] Legacy(object root, IReadOnlyDictionary<string, float[]> storages, object? keyList = null, byte[]? data = null)
    {
        var o = new MemoryStream();
        o.Write(LegacyHeader());
        o.Write(Pickle(root, storages, legacy: true));
        o.Write(Pickle(keyList ?? storages.Keys.Cast<object>().ToList(), storages));
        o.Write(data ?? storages.Values.SelectMany(values => StorageRecord(values.Length, values)).ToArray());
        return o.ToArray();
    }

    /// <summary>The first three pickles of a legacy file: magic number, protocol version, system information.</summary>
    public static byte[] LegacyHeader()
    {
        var none = new Dictionary<string, float[]>();
        return [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, (byte)'.', // LONG1 0x1950a86a20f9469cfc6c
                .. Pickle(1001, none), .. Pickle(new PyDict(("protocol_version", 1001), ("little_endian", true)), none)];
    }

    /// <summary>A legacy file's record of one storage: the element count it claims (int64), then the values.</summary>
    public static byte[] StorageRecord(long count, float[] values) =>
        [.. BitConverter.GetBytes(count), .. MemoryMarshal.AsBytes(values.AsSpan())];

    private static void Write(MemoryStream o, object? value, IReadOnlyDictionary<string, float[]> storages, bool legacy)
    {
        switch (value)
        {
            case FakeTensor t:
                // (a storage the test leaves out claims just enough elements for this tensor)
                long elements = t.Elements ?? (storages.TryGetValue(t.Key, out var data) ? data.Length : t.Offset + t.Size.Aggregate(1L, (a, b) => a * b));
                object[] record = ["storage", new PyGlobal("torch", t.StorageClass), t.Key, "cpu", elements];
                Write(o, Rebuild(new PyTuple(legacy ? [.. record, null!] : record),
                    t.Offset, new PyTuple(t.Size.Cast<object>().ToArray()), new PyTuple(t.Stride.Cast<object>().ToArray())), storages, legacy);
                break;
            case PyGlobal g:
                Global(o, g.Module, g.Name);
                break;
            case PyCall call:
                Write(o, call.Callable, storages, legacy);
                Write(o, new PyTuple(call.Args!), storages, legacy);
                o.WriteByte((byte)'R');
                break;
            case PyPersistent persistent:
                Write(o, persistent.Id, storages, legacy);
                o.WriteByte((byte)'Q'); // BINPERSID
                break;
            case null:
                o.WriteByte((byte)'N');
                break;
            case bool b:
                o.WriteByte(b ? (byte)0x88 : (byte)0x89); // NEWTRUE, NEWFALSE
                break;
            case PyTuple tuple:
                o.WriteByte((byte)'(');
                foreach (var item in tuple.Items) Write(o, item, storages, legacy);
                o.WriteByte((byte)'t');
                break;
            case System.Collections.IList list:
                o.WriteByte((byte)']');
                o.WriteByte((byte)'(');
                foreach (var item in list) Write(o, item, storages, legacy);
                o.WriteByte((byte)'e');
                break;
            case PyDict dict:
                o.WriteByte((byte)'}');
                if (dict.Items.Length == 0) break;
                o.WriteByte((byte)'(');
                foreach (var (key, item) in dict.Items)
                {
                    Write(o, key, storages, legacy);
                    Write(o, item, storages, legacy);
                }
                o.WriteByte((byte)'u'); // SETITEMS
                break;
            case int i:
                Write(o, (long)i, storages, legacy);
                break;
            case long l when l is >= int.MinValue and <= int.MaxValue:
                o.WriteByte((byte)'J'); // BININT
                Span<byte> int32 = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(int32, (int)l);
                o.Write(int32);
                break;
            case long l:
                o.Write([0x8a, 8]); // LONG1 of 8 bytes
                Span<byte> int64 = stackalloc byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(int64, l);
                o.Write(int64);
                break;
            case string s:
                var utf8 = Encoding.UTF8.GetBytes(s);
                o.WriteByte((byte)'X');
                Span<byte> n = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(n, utf8.Length);
                o.Write(n);
                o.Write(utf8);
                break;
            default:
                throw new ArgumentException($"cannot pickle {value.GetType().Name}");
        }
    }

    private static void Global(MemoryStream o, string module, string name) =>
        o.Write(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));
}
