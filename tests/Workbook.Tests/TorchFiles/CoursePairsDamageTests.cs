using System.IO.Compression;
using Workbook.Tests.Data;
using Workbook.TorchFiles;

namespace Workbook.Tests.TorchFiles;

/// <summary>
/// Damaged and hostile course data files, made by <see cref="TorchFileBuilder"/> in both of torch.save's layouts: each
/// check of <see cref="CoursePairsFile"/> at its boundary (the largest file it accepts and the smallest it refuses),
/// and the one line it answers with, which starts with the file's path and says what is wrong.
/// </summary>
public sealed class CoursePairsDamageTests : IDisposable
{
    private readonly ScratchFolder scratch = new();

    public void Dispose() => scratch.Dispose();

    private string NewPath() => scratch.File($"{Guid.NewGuid():N}.pt");

    private string WithBytes(byte[] bytes)
    {
        string path = NewPath();
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Zip(object root, Dictionary<string, float[]> storages)
    {
        string path = NewPath();
        TorchFileBuilder.WriteZip(path, root, storages);
        return path;
    }

    private string Legacy(object root, Dictionary<string, float[]> storages, object? keyList = null, byte[]? data = null) =>
        WithBytes(TorchFileBuilder.Legacy(root, storages, keyList, data));

    /// <summary>The one-line refusal, checked to name the file first.</summary>
    private static string Refusal(string path)
    {
        var e = Assert.Throws<InvalidDataException>(() => CoursePairsFile.Read(path).Dispose());
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    private static FakeTensor Clip(string key, long n, long offset = 0, long stride = 1, long? elements = null) =>
        new(key, offset, [1, n], [n * stride, stride], Elements: elements);

    private static List<object> Pairs(params PyTuple[] pairs) => [.. pairs];

    private static float[] Values(int n, float from) => Enumerable.Range(0, n).Select(i => from + i).ToArray();

    private static float[] Samples(Workbook.Data.PairedClips clips, bool clean) =>
        (clean ? clips.Clean : clips.Noisy).flatten().data<float>().ToArray();

    // ---- Telling the layouts apart ----

    [Fact]
    public void A_file_too_short_to_be_either_layout_is_named_by_its_first_bytes()
    {
        string path = WithBytes("abc"u8.ToArray());
        Assert.Equal($"{path}: not a PyTorch file: it starts with neither a zip header nor a pickle (first bytes 616263)", Refusal(path));
        path = WithBytes([]);
        Assert.Equal($"{path}: not a PyTorch file: it starts with neither a zip header nor a pickle (first bytes )", Refusal(path));
    }

    [Fact]
    public void A_file_cut_right_after_the_pickle_header_is_a_damaged_legacy_file()
    {
        string path = WithBytes([0x80, 0x02]);
        Assert.StartsWith($"{path}: not a readable PyTorch file (InvalidDataException: the pickle is longer than 2 bytes", Refusal(path));
    }

    // ---- Zip layout: storages against their entries ----

    [Fact]
    public void A_storage_entry_of_other_than_the_claimed_size_is_named()
    {
        string path = NewPath();
        var claims = new Dictionary<string, float[]> { ["a"] = new float[8], ["b"] = new float[8] };
        TorchFileBuilder.WriteZipEntries(path, new Dictionary<string, byte[]>
        {
            ["archive/data.pkl"] = TorchFileBuilder.Pickle(Pairs(new PyTuple(Clip("a", 8), Clip("b", 8))), claims),
            ["archive/data/a"] = new byte[28],
            ["archive/data/b"] = new byte[32],
        });
        Assert.Equal($"{path}: storage a has 28 bytes, expected 32 (8 float32 values)", Refusal(path));
    }

    /// <summary>A file whose one storage "0" (x and y both view it whole) is written at <paramref name="level"/>.</summary>
    private string OneStorage(float[] values, CompressionLevel level)
    {
        string path = NewPath();
        var storages = new Dictionary<string, float[]> { ["0"] = values };
        TorchFileBuilder.WriteZipEntries(path, new Dictionary<string, byte[]>
        {
            ["archive/data.pkl"] = TorchFileBuilder.Pickle(Pairs(new PyTuple(Clip("0", values.Length), Clip("0", values.Length))), storages),
            ["archive/data/0"] = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray(),
        }, level);
        return path;
    }

    [Fact]
    public void A_storage_up_to_1_MiB_may_inflate_any_amount_and_a_larger_one_only_up_to_16_to_1()
    {
        // 1 MiB of zeros deflates about 1000-fold: allowed, since a storage this small cannot hurt.
        using (var small = CoursePairsFile.Read(OneStorage(new float[(1 << 20) / 4], CompressionLevel.SmallestSize)))
            Assert.Equal(new long[] { 1, 1, 1 << 18 }, small.Noisy.shape);
        // 2 MiB stored as torch.save stores it (1:1): allowed.
        var ramp = Enumerable.Range(0, (2 << 20) / 4).Select(i => i / 1e6f).ToArray();
        using (var stored = CoursePairsFile.Read(OneStorage(ramp, CompressionLevel.NoCompression)))
            Assert.Equal(ramp[^1], stored.Clean[0, 0, -1].item<float>());
        // 2 MiB of zeros deflated: a zip bomb's ratio, refused before inflating it.
        string bomb = OneStorage(new float[(2 << 20) / 4], CompressionLevel.SmallestSize);
        long compressed;
        using (var zip = ZipFile.OpenRead(bomb)) compressed = zip.GetEntry("archive/data/0")!.CompressedLength;
        Assert.True(compressed * 16 < 2 << 20);
        Assert.Equal($"{bomb}: storage 0 inflates from {compressed} to {2 << 20} bytes, more than 16:1; " +
                     "torch.save stores tensors uncompressed, so this is not a file it wrote", Refusal(bomb));
    }

    [Fact]
    public void A_storage_described_twice_with_different_sizes_is_refused()
    {
        // The smaller claim would pass the size check and the larger be read.
        var storages = new Dictionary<string, float[]> { ["a"] = new float[8] };
        string path = Zip(Pairs(new PyTuple(Clip("a", 4, elements: 8), Clip("a", 4, elements: 4))), storages);
        Assert.EndsWith("storage a is described twice, as 8 and as 4 elements of float32)", Refusal(path));
    }

    // ---- Views of a storage ----

    [Fact]
    public void An_empty_clip_is_refused()
    {
        var storages = new Dictionary<string, float[]> { ["a"] = new float[8], ["b"] = new float[8] };
        string path = Zip(Pairs(new PyTuple(Clip("a", 0), Clip("b", 0))), storages);
        Assert.Equal($"{path}: pair 0: x is empty", Refusal(path));
    }

    [Theory]
    [InlineData(0, 0, 4)]  // a stride of 0 repeats one sample
    [InlineData(-1, 1, 4)] // before the storage's start
    [InlineData(0, 3, 4)]  // the last sample read is 9
    [InlineData(5, 1, 4)]  // the last sample read is 8: one past the end
    [InlineData(0, -1, 4)] // backwards
    public void A_clip_that_reads_outside_its_storage_is_refused(long offset, long stride, long n)
    {
        var storages = new Dictionary<string, float[]> { ["a"] = new float[8], ["b"] = new float[8] };
        string path = Zip(Pairs(new PyTuple(Clip("a", n, offset, stride, elements: 8), Clip("b", 4))), storages);
        Assert.Equal($"{path}: pair 0: x (offset {offset}, stride {stride}, {n} samples) reads outside its storage of 8 elements", Refusal(path));
    }

    [Fact]
    public void A_clip_that_ends_on_its_storages_last_sample_is_read()
    {
        var storages = new Dictionary<string, float[]> { ["a"] = Values(8, 0), ["b"] = Values(8, 10) };
        using var clips = CoursePairsFile.Read(Zip(Pairs(new PyTuple(Clip("a", 4, offset: 1, stride: 2), Clip("b", 4, offset: 4))), storages));
        Assert.Equal(new float[] { 1, 3, 5, 7 }, Samples(clips, clean: false));
        Assert.Equal(new float[] { 14, 15, 16, 17 }, Samples(clips, clean: true));
    }

    // ---- Samples ----

    [Fact]
    public void A_non_finite_sample_of_either_side_is_named()
    {
        var x = new float[4];
        var y = new float[4];
        y[3] = float.NaN;
        string path = Zip(Pairs(new PyTuple(Clip("x", 4), Clip("y", 4))), new() { ["x"] = x, ["y"] = y });
        Assert.Equal($"{path}: pair 0: y sample 3 is NaN; the data must be finite", Refusal(path));
        x[2] = float.NegativeInfinity;
        path = Zip(Pairs(new PyTuple(Clip("x", 4), Clip("y", 4))), new() { ["x"] = x, ["y"] = y });
        Assert.Equal($"{path}: pair 0: x sample 2 is -infinity; the data must be finite", Refusal(path));
        Assert.Equal("NaN", CoursePairsFile.Describe(float.NaN));
        Assert.Equal("+infinity", CoursePairsFile.Describe(float.PositiveInfinity));
        Assert.Equal("-infinity", CoursePairsFile.Describe(float.NegativeInfinity));
    }

    // ---- Legacy layout ----

    private static readonly Dictionary<string, float[]> ThreeStorages = new()
    {
        ["0"] = Values(4, 0), ["1"] = Values(4, 10), ["2"] = Values(4, 20),
    };

    /// <summary>Pair 0 views storages 0 and 1; x and y of pair 1 both view storage 2.</summary>
    private static readonly List<object> SharedLast = Pairs(new PyTuple(Clip("0", 4), Clip("1", 4)), new PyTuple(Clip("2", 4), Clip("2", 4)));

    [Fact]
    public void A_legacy_file_reads_its_storages_in_key_list_order()
    {
        using var clips = CoursePairsFile.Read(Legacy(SharedLast, ThreeStorages));
        Assert.Equal(new float[] { 0, 1, 2, 3, 20, 21, 22, 23 }, Samples(clips, clean: false));
        Assert.Equal(new float[] { 10, 11, 12, 13, 20, 21, 22, 23 }, Samples(clips, clean: true));
    }

    [Fact]
    public void A_truncated_legacy_file_is_refused_before_reading_naming_the_storage_and_its_users()
    {
        var bytes = TorchFileBuilder.Legacy(SharedLast, ThreeStorages);
        string path = WithBytes(bytes[..^4]);
        Assert.Equal($"{path}: the file ends inside storage 2, the data of x of pair 1, y of pair 1: it is truncated (or claims more than it holds)",
            Refusal(path));
    }

    [Fact]
    public void Storages_in_the_key_list_that_no_pair_uses_are_skipped()
    {
        var storages = new Dictionary<string, float[]>
        {
            ["0"] = Values(4, 0), ["unused"] = Values(3, 100), ["empty"] = [], ["1"] = Values(4, 10), ["last"] = Values(5, 200),
        };
        using var clips = CoursePairsFile.Read(Legacy(Pairs(new PyTuple(Clip("0", 4), Clip("1", 4))), storages));
        Assert.Equal(new float[] { 0, 1, 2, 3 }, Samples(clips, clean: false));
        Assert.Equal(new float[] { 10, 11, 12, 13 }, Samples(clips, clean: true));
    }

    [Theory]
    [InlineData(-1)]        // would step back into the data already read
    [InlineData(5)]         // one more than the file holds
    [InlineData(1L << 62)]  // bytes beyond any file (and beyond a long once multiplied by 4)
    public void An_unused_storage_that_claims_a_negative_count_or_more_than_the_file_holds_is_refused(long count)
    {
        var storages = new Dictionary<string, float[]> { ["0"] = Values(4, 0), ["1"] = Values(4, 10) };
        byte[] data = [.. TorchFileBuilder.StorageRecord(4, storages["0"]), .. TorchFileBuilder.StorageRecord(4, storages["1"]),
                       .. TorchFileBuilder.StorageRecord(count, Values(4, 0))];
        string path = Legacy(Pairs(new PyTuple(Clip("0", 4), Clip("1", 4))), storages, new List<object> { "0", "1", "unused" }, data);
        Assert.Equal($"{path}: storage unused, which no pair uses, claims {count} elements but 16 bytes are left", Refusal(path));
    }

    [Fact]
    public void A_legacy_storage_whose_count_differs_from_the_pickle_is_refused()
    {
        var storages = new Dictionary<string, float[]> { ["0"] = Values(4, 0), ["1"] = Values(4, 10) };
        byte[] data = [.. TorchFileBuilder.StorageRecord(4, storages["0"]), .. TorchFileBuilder.StorageRecord(5, Values(5, 10))];
        string path = Legacy(Pairs(new PyTuple(Clip("0", 4), Clip("1", 4))), storages, data: data);
        Assert.Equal($"{path}: storage 1 holds 5 elements but the pickle says 4", Refusal(path));
    }

    [Fact]
    public void A_storage_a_pair_uses_but_the_key_list_lacks_is_refused()
    {
        var storages = new Dictionary<string, float[]> { ["0"] = Values(4, 0), ["1"] = Values(4, 10) };
        string path = Legacy(Pairs(new PyTuple(Clip("0", 4), Clip("1", 4))), storages,
            keyList: new List<object> { "0" }, data: TorchFileBuilder.StorageRecord(4, storages["0"]));
        Assert.Equal($"{path}: storage 1 is used by a tensor but not in the file", Refusal(path));
    }

    [Fact]
    public void A_legacy_file_that_ends_inside_a_storage_after_an_unused_one_names_the_storage()
    {
        // The check before reading counts an unused storage's 8-byte count only (its size is not in the pickle):
        // the end of the file is then met while reading storage 0.
        var storages = new Dictionary<string, float[]> { ["0"] = Values(4, 0) };
        byte[] data = [.. TorchFileBuilder.StorageRecord(4, Values(4, 100)), .. TorchFileBuilder.StorageRecord(4, Values(2, 0))];
        string path = Legacy(Pairs(new PyTuple(Clip("0", 4), Clip("0", 4))), storages, new List<object> { "unused", "0" }, data);
        Assert.Equal($"{path}: the file ends inside storage 0, the data of x of pair 0, y of pair 0: it is truncated", Refusal(path));
    }

    [Theory]
    [InlineData("a dict")]
    [InlineData("a list holding an int")]
    public void A_legacy_key_list_that_is_not_a_list_of_strings_is_refused(string what)
    {
        var storages = new Dictionary<string, float[]> { ["0"] = Values(4, 0) };
        object keyList = what == "a dict" ? new PyDict() : new List<object> { "0", 5 };
        string path = Legacy(Pairs(new PyTuple(Clip("0", 4), Clip("0", 4))), storages, keyList);
        Assert.Equal($"{path}: the legacy storage key list is not a list of strings", Refusal(path));
    }

    /// <summary>PROTO 2, then BINBYTES8 claiming <paramref name="claimed"/> bytes, then <paramref name="held"/> bytes and no STOP.</summary>
    private static byte[] LyingPickle(long claimed, int held) => [0x80, 0x02, 0x8e, .. BitConverter.GetBytes(claimed), .. new byte[held]];

    [Theory]
    [InlineData(1)] // the second header pickle
    [InlineData(3)] // the object
    [InlineData(4)] // the storage key list
    public void A_legacy_pickle_may_not_claim_more_bytes_than_the_file_has_left(int which)
    {
        var storages = new Dictionary<string, float[]> { ["0"] = Values(4, 0) };
        byte[] header = TorchFileBuilder.LegacyHeader();
        byte[] before = which switch
        {
            1 => header[..15], // after the magic number
            3 => header,
            _ => [.. header, .. TorchFileBuilder.Pickle(Pairs(new PyTuple(Clip("0", 4), Clip("0", 4))), storages, legacy: true)],
        };
        // 20 bytes follow the length; it claims 21, which a bound counting from the start of the file would allow.
        string path = WithBytes([.. before, .. LyingPickle(21, 20)]);
        Assert.Equal($"{path}: not a readable PyTorch file (InvalidDataException: the pickle is longer than 31 bytes, " +
                     "more than this file can hold or its tensors need)", Refusal(path));
    }
}
