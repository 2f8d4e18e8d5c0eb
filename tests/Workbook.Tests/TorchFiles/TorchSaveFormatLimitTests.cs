using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Workbook.Tests.Data;
using Workbook.TorchFiles;

namespace Workbook.Tests.TorchFiles;

/// <summary>
/// The limits <see cref="TorchSaveFormat"/> puts on what a zip may claim, each to the byte, and the checks of what its
/// entries hold against what the zip's directory declares.
/// </summary>
public sealed class TorchSaveFormatLimitTests : IDisposable
{
    private readonly ScratchFolder scratch = new();

    public void Dispose() => scratch.Dispose();

    private static readonly Dictionary<string, float[]> TwoStorages = new() { ["a"] = [1f, 2f], ["b"] = [3f, 4f] };

    private static List<object> OnePair => [new PyTuple(new FakeTensor("a", 0, [1, 2], [2, 1]), new FakeTensor("b", 0, [1, 2], [2, 1]))];

    /// <summary>A pairs file over <see cref="TwoStorages"/> whose data.pkl is the pickle followed by zeros, <paramref name="length"/> bytes in all.</summary>
    private string WithPickleOf(long length)
    {
        string path = scratch.File($"{length}.pt");
        var pickle = new byte[length];
        TorchFileBuilder.Pickle(OnePair, TwoStorages).CopyTo(pickle, 0);
        TorchFileBuilder.WriteZipEntries(path, new Dictionary<string, byte[]>
        {
            ["archive/data.pkl"] = pickle,
            ["archive/data/a"] = [.. BitConverter.GetBytes(1f), .. BitConverter.GetBytes(2f)],
            ["archive/data/b"] = [.. BitConverter.GetBytes(3f), .. BitConverter.GetBytes(4f)],
        }, CompressionLevel.Fastest);
        return path;
    }

    [Fact]
    public void The_pickle_may_take_1_MiB_plus_1_KiB_per_storage_entry_and_not_a_byte_more()
    {
        const long limit = (1 << 20) + 2 * (1 << 10); // two storage entries
        using (var clips = CoursePairsFile.Read(WithPickleOf(limit)))
            Assert.Equal(new float[] { 1, 2 }, clips.Noisy.flatten().data<float>().ToArray());
        string path = WithPickleOf(limit + 1);
        Assert.Equal($"{path}: the pickle (archive/data.pkl) inflates to {limit + 1} bytes; a file of saved tensors needs at most {limit} here",
            Assert.Throws<InvalidDataException>(() => CoursePairsFile.Read(path)).Message);
    }

    [Fact]
    public void A_flipped_byte_in_the_byteorder_record_fails_its_crc()
    {
        string path = scratch.File("order.pt");
        TorchFileBuilder.WriteZip(path, OnePair, TwoStorages);
        var bytes = File.ReadAllBytes(path);
        int at = bytes.AsSpan().IndexOf("little"u8);
        bytes[at + 5] ^= 0x20; // "littlE": still a word, but not what was stored
        File.WriteAllBytes(path, bytes);
        Assert.Equal($"{path}: the byteorder record is corrupt (its zip CRC-32 does not match)",
            Assert.Throws<InvalidDataException>(() => CoursePairsFile.Read(path)).Message);
    }

    [Fact]
    public void A_refused_global_is_named_with_the_whole_allow_list()
    {
        byte[] pickle = [0x80, 0x02, .. "cos\nsystem\n"u8, (byte)'.'];
        var e = Assert.Throws<InvalidDataException>(() => TorchSaveFormat.Unpickle(new MemoryStream(pickle), "x.pt"));
        Assert.Equal("x.pt: refused: the pickle names the Python global 'os.system', which a file of saved tensors does not need " +
                     "(a .pt file is a program that Python would run; only collections.OrderedDict, torch.BFloat16Storage, torch.BoolStorage, " +
                     "torch.ByteStorage, torch.CharStorage, torch.DoubleStorage, torch.FloatStorage, torch.HalfStorage, torch.IntStorage, " +
                     "torch.LongStorage, torch.ShortStorage, torch._utils._rebuild_tensor_v2 are allowed)", e.Message);
    }

    /// <summary>Bytes <c>i mod 251</c> for i = 0, 1, …: a stream as long as asked, held nowhere.</summary>
    private sealed class Pattern(long length) : Stream
    {
        private static readonly byte[] Cycles = Enumerable.Range(0, 251 * 4096).Select(i => (byte)(i % 251)).ToArray();
        private long position;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = (int)Math.Min(Math.Min(buffer.Length, length - position), Cycles.Length - 251);
            Cycles.AsSpan((int)(position % 251), n).CopyTo(buffer);
            position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void A_storage_longer_than_one_read_chunk_is_read_whole_and_in_order()
    {
        // ReadFloats reads 2^26 floats at a time (so that storages beyond 2 GB fit a span): three floats more cross a chunk.
        long count = (1L << 26) + 3;
        var values = TorchSaveFormat.ReadFloats(new Pattern(4 * count), count, bigEndian: false, out uint crc);
        Assert.Equal(count, values.LongLength);
        foreach (long i in new[] { 0L, 1L << 26, count - 1 })
        {
            var expected = new byte[4];
            for (int b = 0; b < 4; b++) expected[b] = (byte)((4 * i + b) % 251);
            Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(expected), values[i]);
        }
        // The CRC of every byte in order, here taken over pieces of another size.
        uint whole = 0;
        var buffer = new byte[1 << 20];
        var again = new Pattern(4 * count);
        for (int n; (n = again.Read(buffer)) > 0;) whole = Workbook.Files.Crc32.Append(whole, buffer.AsSpan(0, n));
        Assert.Equal(whole, crc);
    }
}

/// <summary>
/// Zip entries whose data holds more than the zip's directory declares (a header edited after writing). .NET reads a
/// stored entry (as torch.save writes every entry) by its compressed size, so the bytes beyond the declared length
/// reach the reader, which must notice them rather than ignore them.
/// </summary>
public sealed class ZipDeclaredLengthTests : IDisposable
{
    private readonly ScratchFolder scratch = new();

    public void Dispose() => scratch.Dispose();

    /// <summary>Rewrites the uncompressed size that <paramref name="zip"/> declares for entry <paramref name="name"/>, in its local header and in the central directory.</summary>
    private static void DeclareLength(byte[] zip, string name, uint length)
    {
        byte[] wanted = Encoding.ASCII.GetBytes(name);
        int edited = 0;
        for (int i = 0; i + 46 + wanted.Length <= zip.Length; i++)
        {
            uint signature = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i));
            // (local file header: name length at 26, name at 30, size at 22; central directory: 28, 46, 24)
            var (nameLength, nameAt, sizeAt) = signature switch { 0x04034b50 => (26, 30, 22), 0x02014b50 => (28, 46, 24), _ => (0, 0, 0) };
            if (nameAt == 0 || BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(i + nameLength)) != wanted.Length
                || !zip.AsSpan(i + nameAt, wanted.Length).SequenceEqual(wanted)) continue;
            BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + sizeAt), length);
            edited++;
        }
        Assert.Equal(2, edited);
    }

    private string Edited(Dictionary<string, byte[]> entries, string name, uint declared)
    {
        string path = scratch.File($"{Guid.NewGuid():N}.pt");
        TorchFileBuilder.WriteZipEntries(path, entries, CompressionLevel.NoCompression);
        var bytes = File.ReadAllBytes(path);
        DeclareLength(bytes, name, declared);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static readonly Dictionary<string, float[]> OneStorage = new() { ["0"] = [0.5f, 0.25f] };

    private static Dictionary<string, byte[]> Entries(byte[] byteOrder, byte[] storage) => new()
    {
        ["archive/data.pkl"] = TorchFileBuilder.Pickle(
            new List<object> { new PyTuple(new FakeTensor("0", 0, [1, 2], [2, 1]), new FakeTensor("0", 0, [1, 2], [2, 1])) }, OneStorage),
        ["archive/byteorder"] = byteOrder,
        ["archive/data/0"] = storage,
    };

    private static readonly byte[] Storage = [.. BitConverter.GetBytes(0.5f), .. BitConverter.GetBytes(0.25f)];

    [Fact]
    public void A_record_that_holds_a_byte_more_than_declared_is_refused()
    {
        // The byte beyond is a zero, which a check for "more bytes" must count as one.
        string path = Edited(Entries([.. "little"u8, 0], Storage), "archive/byteorder", 6);
        Assert.Equal($"{path}: the byteorder record holds more bytes than its zip entry declares (6)",
            Assert.Throws<InvalidDataException>(() => CoursePairsFile.Read(path)).Message);
    }

    [Fact]
    public void A_storage_that_holds_a_byte_more_than_declared_is_refused()
    {
        string path = Edited(Entries("little"u8.ToArray(), [.. Storage, 0]), "archive/data/0", 8);
        Assert.Equal($"{path}: storage 0 holds more bytes than its zip entry declares (8)",
            Assert.Throws<InvalidDataException>(() => CoursePairsFile.Read(path)).Message);
    }
}
