using System.Buffers.Binary;
using System.Collections;
using System.IO.Compression;
using System.Numerics;
using System.Text;
using Workbook.TorchFiles;

namespace Workbook.Tests.TorchFiles;

/// <summary>The pieces of torch.save's format every reader shares, against the format's description (PyTorch's serialization.py).</summary>
public class TorchSaveFormatTests
{
    [Fact]
    public void A_zip_starts_with_PK_3_4_and_a_legacy_file_with_pickle_protocol_2()
    {
        Assert.True(TorchSaveFormat.IsZip([0x50, 0x4B, 0x03, 0x04]));
        Assert.True(TorchSaveFormat.IsZip([0x50, 0x4B, 0x03, 0x04, 0x14]));
        Assert.False(TorchSaveFormat.IsZip([0x50, 0x4B, 0x03]));            // too short to tell
        Assert.False(TorchSaveFormat.IsZip([0x50, 0x4B, 0x05, 0x06]));      // an empty archive's end record: no entries
        Assert.True(TorchSaveFormat.IsLegacy([0x80, 0x02]));
        Assert.True(TorchSaveFormat.IsLegacy([0x80, 0x02, 0x8a, 0x0a]));
        Assert.False(TorchSaveFormat.IsLegacy([0x80]));
        Assert.False(TorchSaveFormat.IsLegacy([0x80, 0x04]));
    }

    [Fact]
    public void Damage_is_told_apart_from_a_file_that_cannot_be_read()
    {
        Assert.True(TorchSaveFormat.IsDamage(new InvalidDataException()));
        Assert.True(TorchSaveFormat.IsDamage(new EndOfStreamException()));
        Assert.True(TorchSaveFormat.IsDamage(new FormatException()));
        Assert.False(TorchSaveFormat.IsDamage(new IOException("disk")));
        Assert.False(TorchSaveFormat.IsDamage(new FileNotFoundException()));
        Assert.False(TorchSaveFormat.IsDamage(new DirectoryNotFoundException()));
        Assert.False(TorchSaveFormat.IsDamage(new UnauthorizedAccessException()));
        Assert.False(TorchSaveFormat.IsDamage(new OutOfMemoryException()));
    }

    private static ZipArchive Zip(params (string Name, string Text)[] entries)
    {
        var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, text) in entries)
                using (var writer = new StreamWriter(zip.CreateEntry(name).Open(), Encoding.ASCII)) writer.Write(text);
        memory.Position = 0;
        return new ZipArchive(memory, ZipArchiveMode.Read);
    }

    [Fact]
    public void The_pickle_is_the_data_pkl_of_the_one_top_level_folder()
    {
        using var zip = Zip(("lab/extra/data.pkl", "nested"), ("lab/data.pkl", "top"), ("lab/data/0", ""));
        var (pickle, archive) = TorchSaveFormat.FindPickle(zip, "f.pt");
        Assert.Equal("lab/data.pkl", pickle.FullName);
        Assert.Equal("lab", archive);
        using var none = Zip(("data.pkl", "no folder"), ("a/b/data.pkl", "too deep"));
        var e = Assert.Throws<InvalidDataException>(() => TorchSaveFormat.FindPickle(none, "f.pt"));
        Assert.StartsWith("f.pt: a zip archive without an <archive>/data.pkl entry", e.Message);
    }

    [Fact]
    public void The_byte_order_record_is_little_big_or_absent()
    {
        using (var zip = Zip(("m/byteorder", "little\n"))) Assert.False(TorchSaveFormat.IsBigEndian(zip, "m", "f.pt"));
        using (var zip = Zip(("m/byteorder", "big"))) Assert.True(TorchSaveFormat.IsBigEndian(zip, "m", "f.pt"));
        using (var zip = Zip(("m/data.pkl", ""))) Assert.False(TorchSaveFormat.IsBigEndian(zip, "m", "f.pt"));
        using (var zip = Zip(("m/byteorder", "middle")))
            Assert.Equal("f.pt: byteorder record says 'middle', expected 'little' or 'big'",
                Assert.Throws<InvalidDataException>(() => TorchSaveFormat.IsBigEndian(zip, "m", "f.pt")).Message);
    }

    /// <summary>CRC-32 (zip's, reflected polynomial 0xEDB88320) bit by bit, as its definition reads: no table.</summary>
    private static uint BitwiseCrc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    [Fact]
    public void Floats_are_read_in_either_byte_order_with_the_crc_of_the_stored_bytes()
    {
        float[] values = [1.5f, -2.25f, 1e-3f, float.MaxValue];
        var little = new byte[16];
        var big = new byte[16];
        for (int i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(little.AsSpan(4 * i), values[i]);
            BinaryPrimitives.WriteSingleBigEndian(big.AsSpan(4 * i), values[i]);
        }
        Assert.Equal(values, TorchSaveFormat.ReadFloats(new MemoryStream(little), 4, bigEndian: false, out uint littleCrc));
        Assert.Equal(values, TorchSaveFormat.ReadFloats(new MemoryStream(big), 4, bigEndian: true, out uint bigCrc));
        Assert.Equal(BitwiseCrc32(little), littleCrc);
        Assert.Equal(BitwiseCrc32(big), bigCrc);
        Assert.Empty(TorchSaveFormat.ReadFloats(new MemoryStream(), 0, bigEndian: false, out uint emptyCrc));
        Assert.Equal(0u, emptyCrc);
    }

    [Fact]
    public void A_storage_too_large_for_one_array_or_longer_than_the_stream_is_refused()
    {
        var e = Assert.Throws<InvalidDataException>(() => TorchSaveFormat.ReadFloats(new MemoryStream(), (long)Array.MaxLength + 1, false, out _));
        Assert.Contains($"{(long)Array.MaxLength + 1} elements", e.Message);
        Assert.Throws<EndOfStreamException>(() => TorchSaveFormat.ReadFloats(new MemoryStream(new byte[7]), 2, false, out _));
    }

    [Fact]
    public void A_refused_global_is_named_with_the_file_and_the_allow_list()
    {
        byte[] pickle = [0x80, 0x02, .. "cos\nsystem\n"u8, (byte)'.'];
        var e = Assert.Throws<InvalidDataException>(() => TorchSaveFormat.Unpickle(new MemoryStream(pickle), "x.pt"));
        Assert.StartsWith("x.pt: refused: the pickle names the Python global 'os.system'", e.Message);
        Assert.Contains("only collections.OrderedDict, torch.BFloat16Storage", e.Message);
        // An allowed name passes the check and reaches the unpickler: an empty OrderedDict.
        byte[] allowed = [0x80, 0x02, .. "ccollections\nOrderedDict\n"u8, (byte)')', (byte)'R', (byte)'.'];
        Assert.IsType<PythonOrderedDict>(TorchSaveFormat.Unpickle(new MemoryStream(allowed), "x.pt"));
    }
}

/// <summary>How unpickled values are described and converted (messages name what a file holds in Python's terms).</summary>
public class PythonNamesTests
{
    [Fact]
    public void Values_are_described_as_Python_would_name_them()
    {
        var storage = new StorageReference("0", "torch.FloatStorage", 4);
        Assert.Equal("None", PythonNames.Describe(null));
        Assert.Equal("a tensor", PythonNames.Describe(new TensorReference(storage, 0, [4], [1])));
        Assert.Equal("a storage (torch.FloatStorage)", PythonNames.Describe(storage));
        Assert.Equal("a list of 2 items", PythonNames.Describe(new ArrayList { 1, 2 }));
        Assert.Equal("a tuple of 3 items", PythonNames.Describe(new object[] { 1, 2, 3 }));
        Assert.Equal("a dict", PythonNames.Describe(new Hashtable()));
        Assert.Equal("the string 'abc'", PythonNames.Describe("abc"));
        Assert.Equal("the int 7", PythonNames.Describe(7));
        Assert.Equal("the int 7", PythonNames.Describe(7L));
        Assert.Equal("the int 7", PythonNames.Describe(new BigInteger(7)));
        Assert.Equal("the float 0.5", PythonNames.Describe(0.5));
        Assert.Equal("True", PythonNames.Describe(true));
        Assert.Equal("False", PythonNames.Describe(false));
        Assert.Equal("a bytes object of 3 bytes", PythonNames.Describe(new byte[3]));
        Assert.Equal("a Guid", PythonNames.Describe(Guid.Empty));
    }

    [Fact]
    public void Ints_convert_within_the_range_of_a_long_and_nothing_else_does()
    {
        Assert.Equal(5, PythonNames.ToInt64(5, "x"));
        Assert.Equal(long.MaxValue, PythonNames.ToInt64(long.MaxValue, "x"));
        Assert.Equal(long.MinValue, PythonNames.ToInt64(new BigInteger(long.MinValue), "x"));
        Assert.Equal(long.MaxValue, PythonNames.ToInt64(new BigInteger(long.MaxValue), "x"));
        Assert.Throws<InvalidDataException>(() => PythonNames.ToInt64(new BigInteger(long.MaxValue) + 1, "x"));
        Assert.Throws<InvalidDataException>(() => PythonNames.ToInt64(new BigInteger(long.MinValue) - 1, "x"));
        Assert.Equal("the size is the string '3', expected an int",
            Assert.Throws<InvalidDataException>(() => PythonNames.ToInt64("3", "the size")).Message);
        Assert.Equal(new long[] { 2, 3 }, PythonNames.ToInt64Tuple(new object[] { 2, 3L }, "size"));
        Assert.Equal("size[1] is None, expected an int",
            Assert.Throws<InvalidDataException>(() => PythonNames.ToInt64Tuple(new object?[] { 2, null }, "size")).Message);
        Assert.Equal("size is a list of 1 items, expected a tuple of ints",
            Assert.Throws<InvalidDataException>(() => PythonNames.ToInt64Tuple(new ArrayList { 2 }, "size")).Message);
    }

    [Theory]
    [InlineData("torch.FloatStorage", "float32")]
    [InlineData("torch.DoubleStorage", "float64")]
    [InlineData("torch.HalfStorage", "float16")]
    [InlineData("torch.BFloat16Storage", "bfloat16")]
    [InlineData("torch.LongStorage", "int64")]
    [InlineData("torch.IntStorage", "int32")]
    [InlineData("torch.ShortStorage", "int16")]
    [InlineData("torch.CharStorage", "int8")]
    [InlineData("torch.ByteStorage", "uint8")]
    [InlineData("torch.BoolStorage", "bool")]
    [InlineData("torch.ComplexFloatStorage", "torch.ComplexFloatStorage")]
    public void Storage_classes_name_the_dtype_PyTorch_prints(string storageClass, string dtype)
    {
        Assert.Equal(dtype, new StorageReference("0", storageClass, 1).DType);
    }
}
