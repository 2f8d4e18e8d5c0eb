using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace Workbook.Tests.TorchFiles;

/// <summary>A tensor for <see cref="TorchFileBuilder"/>: a view of storage <paramref name="Key"/>.</summary>
internal sealed record FakeTensor(string Key, long Offset, long[] Size, long[] Stride, string StorageClass = "FloatStorage");

/// <summary>A Python tuple for <see cref="TorchFileBuilder"/> (a C# list stands for a Python list).</summary>
internal sealed record PyTuple(params object[] Items);

/// <summary>A Python dict for <see cref="TorchFileBuilder"/> (always empty: only its type matters to the tests).</summary>
internal sealed record PyDict;

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

    /// <summary>Writes a zip that holds the given entries and nothing else.</summary>
    public static void WriteZipEntries(string path, IReadOnlyDictionary<string, byte[]> entries)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in entries) Add(zip, name, bytes);
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        stream.Write(bytes);
    }

    /// <summary>The protocol-2 pickle PyTorch would write for <paramref name="root"/>.</summary>
    public static byte[] Pickle(object root, IReadOnlyDictionary<string, float[]> storages)
    {
        var o = new MemoryStream();
        o.Write([0x80, 0x02]); // PROTO 2
        Write(o, root, storages);
        o.WriteByte((byte)'.'); // STOP
        return o.ToArray();
    }

    private static void Write(MemoryStream o, object value, IReadOnlyDictionary<string, float[]> storages)
    {
        switch (value)
        {
            case FakeTensor t:
                Global(o, "torch._utils", "_rebuild_tensor_v2");
                o.WriteByte((byte)'(');
                // The storage, as a persistent id ("storage", class, key, device, element count).
                o.WriteByte((byte)'(');
                Write(o, "storage", storages);
                Global(o, "torch", t.StorageClass);
                Write(o, t.Key, storages);
                Write(o, "cpu", storages);
                // (a storage the test leaves out claims just enough elements for this tensor)
                Write(o, storages.TryGetValue(t.Key, out var data) ? data.Length : (int)(t.Offset + t.Size.Aggregate(1L, (a, b) => a * b)), storages);
                o.WriteByte((byte)'t');
                o.WriteByte((byte)'Q'); // BINPERSID
                Write(o, (int)t.Offset, storages);
                Write(o, new PyTuple(t.Size.Select(s => (object)(int)s).ToArray()), storages);
                Write(o, new PyTuple(t.Stride.Select(s => (object)(int)s).ToArray()), storages);
                o.WriteByte(0x89); // NEWFALSE: requires_grad
                Global(o, "collections", "OrderedDict");
                o.WriteByte((byte)')');
                o.WriteByte((byte)'R');
                o.WriteByte((byte)'t');
                o.WriteByte((byte)'R');
                break;
            case PyTuple tuple:
                o.WriteByte((byte)'(');
                foreach (var item in tuple.Items) Write(o, item, storages);
                o.WriteByte((byte)'t');
                break;
            case System.Collections.IList list:
                o.WriteByte((byte)']');
                o.WriteByte((byte)'(');
                foreach (var item in list) Write(o, item!, storages);
                o.WriteByte((byte)'e');
                break;
            case PyDict:
                o.WriteByte((byte)'}');
                break;
            case int i:
                o.WriteByte((byte)'J');
                Span<byte> b = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(b, i);
                o.Write(b);
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
