using System.Text;
using System.Text.Json;
using Workbook.Data;
using Workbook.TorchFiles;
using static TorchSharp.torch;
using Workbook.Tests.Data;

namespace Workbook.Tests.TorchFiles;

public class CoursePairsFileTests
{
    public static TheoryData<string, string> RealFiles => new()
    {
        { "pairs-torch1-zip.pt", "pairs-torch1-expected.json" },
        { "pairs-torch1-legacy.pt", "pairs-torch1-expected.json" },
        { "pairs-torch2-zip.pt", "pairs-torch2-expected.json" },
    };

    [Theory]
    [MemberData(nameof(RealFiles))]
    public void Files_written_by_PyTorch_reproduce_every_expected_figure(string file, string expectedFile)
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(FixtureFiles.Path(expectedFile)));
        var e = expected.RootElement;
        using var scope = NewDisposeScope();
        using var clips = CoursePairsFile.Read(FixtureFiles.Path(file));

        Assert.Equal(e.GetProperty("count").GetInt32(), clips.Count);
        var shape = e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        Assert.Equal(shape, clips.Noisy[0].shape);
        Assert.Equal(shape, clips.Clean[0].shape);
        Assert.Equal(PairedClips.LabSampleRate, clips.SampleRate);
        Assert.Equal(FixtureFiles.Path(file), clips.Source);
        Assert.Equal("pair 0", clips.Names[0]);
        Assert.Equal("pair 11", clips.Names[11]);

        var first5 = clips.Noisy[0, 0, ..5].data<float>().ToArray();
        var expectedFirst5 = e.GetProperty("x0_first5").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (int i = 0; i < 5; i++) AssertClose(expectedFirst5[i], first5[i], $"x[0][0, {i}]");
        AssertClose(e.GetProperty("y11_sum").GetDouble(), clips.Clean[11].sum().item<float>(), "sum of y in pair 11");
        AssertClose(e.GetProperty("x_sum_all").GetDouble(), clips.Noisy.sum().item<float>(), "sum of every x");
        AssertClose(e.GetProperty("y_abs_sum_all").GetDouble(), clips.Clean.abs().sum().item<float>(), "sum of |y|");
    }

    /// <summary>The fixtures' tolerance: 1e-4 relative or 1e-5 absolute, whichever is larger.</summary>
    private static void AssertClose(double expected, double actual, string what)
    {
        double tolerance = Math.Max(1e-4 * Math.Abs(expected), 1e-5);
        Assert.True(Math.Abs(actual - expected) <= tolerance, $"{what}: expected {expected}, got {actual}");
    }

    [Fact]
    public void The_zip_and_the_legacy_format_hold_the_same_tensors()
    {
        using var zip = CoursePairsFile.Read(FixtureFiles.Path("pairs-torch1-zip.pt"));
        using var legacy = CoursePairsFile.Read(FixtureFiles.Path("pairs-torch1-legacy.pt"));
        TensorAssert.Close(zip.Noisy, legacy.Noisy, 0, "x");
        TensorAssert.Close(zip.Clean, legacy.Clean, 0, "y");
    }

    public static TheoryData<string, double> Cuts => new()
    {
        { "pairs-torch1-zip.pt", 0.001 }, { "pairs-torch1-zip.pt", 0.3 }, { "pairs-torch1-zip.pt", 0.97 },
        { "pairs-torch2-zip.pt", 0.02 }, { "pairs-torch2-zip.pt", 0.5 }, { "pairs-torch2-zip.pt", 0.999 },
        { "pairs-torch1-legacy.pt", 0.001 }, { "pairs-torch1-legacy.pt", 0.02 }, { "pairs-torch1-legacy.pt", 0.06 },
        { "pairs-torch1-legacy.pt", 0.5 }, { "pairs-torch1-legacy.pt", 0.9999 },
    };

    [Theory]
    [MemberData(nameof(Cuts))]
    public void A_truncated_file_is_reported_as_damaged_with_its_name(string file, double keptFraction)
    {
        using var scratch = new ScratchFolder();
        var bytes = File.ReadAllBytes(FixtureFiles.Path(file));
        string path = scratch.File("cut.pt");
        File.WriteAllBytes(path, bytes[..Math.Max(1, (int)(bytes.Length * keptFraction))]);
        var e = Assert.Throws<InvalidDataException>(() => CoursePairsFile.Read(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_legacy_file_cut_inside_the_tensor_data_names_the_pair()
    {
        using var scratch = new ScratchFolder();
        var bytes = File.ReadAllBytes(FixtureFiles.Path("pairs-torch1-legacy.pt"));
        string path = scratch.File("cut.pt");
        File.WriteAllBytes(path, bytes[..^1000]);
        var e = Assert.Throws<InvalidDataException>(() => CoursePairsFile.Read(path));
        Assert.Matches("the file ends inside storage .*, the data of [xy] of pair \\d+", e.Message);
    }

    [Fact]
    public void Random_bytes_are_not_a_PyTorch_file()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File("noise.pt");
        var bytes = new byte[5000];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => CoursePairsFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not a PyTorch file", e.Message);
    }

    [Fact]
    public void Random_bytes_after_a_pickle_header_are_damage_not_a_crash()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File("noise.pt");
        for (int seed = 0; seed < 20; seed++)
        {
            var bytes = new byte[300];
            new Random(seed).NextBytes(bytes);
            bytes[0] = 0x80;
            bytes[1] = 0x02;
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<InvalidDataException>(() => CoursePairsFile.Read(path));
            Assert.Contains(path, e.Message);
        }
    }

    [Fact]
    public void A_zip_without_data_pkl_is_refused()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File("other.zip");
        TorchFileBuilder.WriteZipEntries(path, new Dictionary<string, byte[]> { ["archive/readme.txt"] = "hello"u8.ToArray() });
        var e = Assert.Throws<InvalidDataException>(() => CoursePairsFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("data.pkl", e.Message);
    }

    [Fact]
    public void A_missing_file_is_FileNotFound()
    {
        var e = Assert.Throws<FileNotFoundException>(() => CoursePairsFile.Read("/no/such/dataB.pt"));
        Assert.Contains("/no/such/dataB.pt", e.Message);
    }

    /// <summary><c>pickle.dumps</c> of <c>os.system("echo pwned")</c>, protocol 2: GLOBAL os system, the argument, TUPLE1, REDUCE.</summary>
    private static readonly byte[] OsSystemProtocol2 =
        [0x80, 0x02, .. "cos\nsystem\n"u8, (byte)'X', 10, 0, 0, 0, .. "echo pwned"u8, 0x85, (byte)'R', (byte)'.'];

    /// <summary>The same in protocol 4, where the name comes from the stack (SHORT_BINUNICODE ×2, MEMOIZE, STACK_GLOBAL).</summary>
    private static readonly byte[] OsSystemProtocol4 =
        [0x80, 0x04, 0x8c, 2, .. "os"u8, 0x94, 0x8c, 6, .. "system"u8, 0x94, 0x93, 0x94,
         0x8c, 10, .. "echo pwned"u8, 0x94, 0x85, 0x94, (byte)'R', 0x94, (byte)'.'];

    [Fact]
    public void A_pickle_naming_a_forbidden_global_is_refused_before_anything_runs()
    {
        using var scratch = new ScratchFolder();
        // As the whole data.pkl of a zip file …
        string zip = scratch.File("evil-zip.pt");
        TorchFileBuilder.WriteZipEntries(zip, new Dictionary<string, byte[]> { ["evil/data.pkl"] = OsSystemProtocol2 });
        var e = Assert.Throws<InvalidDataException>(() => CoursePairsFile.Read(zip));
        Assert.Contains("os.system", e.Message);
        Assert.Contains("refused", e.Message);
        Assert.Contains(zip, e.Message);

        // … as the first pickle of a legacy file …
        string legacy = scratch.File("evil-legacy.pt");
        File.WriteAllBytes(legacy, OsSystemProtocol2);
        e = Assert.Throws<InvalidDataException>(() => CoursePairsFile.Read(legacy));
        Assert.Contains("os.system", e.Message);

        // … and with protocol 4's STACK_GLOBAL.
        string stackGlobal = scratch.File("evil-p4.pt");
        TorchFileBuilder.WriteZipEntries(stackGlobal, new Dictionary<string, byte[]> { ["evil/data.pkl"] = OsSystemProtocol4 });
        e = Assert.Throws<InvalidDataException>(() => CoursePairsFile.Read(stackGlobal));
        Assert.Contains("os.system", e.Message);
    }

    [Fact]
    public void A_forbidden_global_inside_an_otherwise_valid_list_is_refused()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File("mixed.pt");
        var storages = new Dictionary<string, float[]> { ["0"] = new float[4] };
        var pickle = TorchFileBuilder.Pickle(new List<object> { new PyTuple(Tensor("0", 4), Tensor("0", 4)) }, storages);
        // Swap the harmless OrderedDict for builtins.eval, keeping the layout intact.
        var text = Encoding.Latin1.GetString(pickle).Replace("ccollections\nOrderedDict\n", "cbuiltins\neval\n");
        TorchFileBuilder.WriteZipEntries(path, new Dictionary<string, byte[]>
            { ["a/data.pkl"] = Encoding.Latin1.GetBytes(text), ["a/data/0"] = new byte[16] });
        var e = Assert.Throws<InvalidDataException>(() => CoursePairsFile.Read(path));
        Assert.Contains("builtins.eval", e.Message);
    }

    private static FakeTensor Tensor(string key, long n, long offset = 0, long stride = 1, string storage = "FloatStorage") =>
        new(key, offset, [1, n], [n * stride, stride], storage);

    /// <summary>Writes a zip .pt file holding <paramref name="root"/> over two storages of 8 samples and returns the read error.</summary>
    private static InvalidDataException ReadFails(object root)
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File("layout.pt");
        var storages = new Dictionary<string, float[]> { ["a"] = new float[8], ["b"] = new float[8] };
        TorchFileBuilder.WriteZip(path, root, storages);
        var e = Assert.Throws<InvalidDataException>(() => CoursePairsFile.Read(path));
        Assert.Contains(path, e.Message);
        return e;
    }

    private static PyTuple GoodPair => new(Tensor("a", 8), Tensor("b", 8));

    [Fact]
    public void Wrong_layouts_name_the_pair_and_the_problem()
    {
        Assert.Contains("holds a dict, expected a list", ReadFails(new PyDict()).Message);
        Assert.Contains("holds a tuple of 2 items, expected a list", ReadFails(GoodPair).Message);
        Assert.Contains("holds an empty list", ReadFails(new List<object>()).Message);
        Assert.Contains("pair 2 is a tuple of 3 items, expected a tuple (x, y)",
            ReadFails(new List<object> { GoodPair, GoodPair, new PyTuple(Tensor("a", 8), Tensor("b", 8), Tensor("b", 8)) }).Message);
        Assert.Contains("pair 1: y is the string 'clean', expected a tensor",
            ReadFails(new List<object> { GoodPair, new PyTuple(Tensor("a", 8), "clean") }).Message);
        Assert.Contains("pair 1: x has shape [8], expected [1, N]",
            ReadFails(new List<object> { GoodPair, new PyTuple(new FakeTensor("a", 0, [8], [1]), Tensor("b", 8)) }).Message);
        Assert.Contains("pair 0: y has shape [2, 4], expected [1, N]",
            ReadFails(new List<object> { new PyTuple(Tensor("a", 8), new FakeTensor("b", 0, [2, 4], [4, 1])) }).Message);
        Assert.Contains("pair 3: x has 8 samples but y has 7",
            ReadFails(new List<object> { GoodPair, GoodPair, GoodPair, new PyTuple(Tensor("a", 8), Tensor("b", 7)) }).Message);
        Assert.Contains("pair 1 has 6 samples but pair 0 has 8",
            ReadFails(new List<object> { GoodPair, new PyTuple(Tensor("a", 6), Tensor("b", 6)) }).Message);
        Assert.Contains("pair 0: x has dtype float64; only float32",
            ReadFails(new List<object> { new PyTuple(Tensor("a", 4, storage: "DoubleStorage"), Tensor("b", 4)) }).Message);
        Assert.Contains("pair 0: y (offset 4, stride 1, 8 samples) reads outside its storage of 8 elements",
            ReadFails(new List<object> { new PyTuple(Tensor("a", 8), Tensor("b", 8, offset: 4)) }).Message);
    }

    [Fact]
    public void A_missing_or_short_storage_is_named()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File("short.pt");
        var root = new List<object> { new PyTuple(Tensor("a", 8), Tensor("b", 8)) };
        TorchFileBuilder.WriteZip(path, root, new Dictionary<string, float[]> { ["a"] = new float[8] });
        Assert.Contains("storage b", Assert.Throws<InvalidDataException>(() => CoursePairsFile.Read(path)).Message);
    }

    [Fact]
    public void Tensors_are_read_through_their_offset_and_stride()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File("views.pt");
        // One shared storage 0..11: x = every other element from 1, y = 4 elements from 6.
        var storages = new Dictionary<string, float[]> { ["s"] = Enumerable.Range(0, 12).Select(i => (float)i).ToArray() };
        TorchFileBuilder.WriteZip(path, new List<object> { new PyTuple(Tensor("s", 4, offset: 1, stride: 2), Tensor("s", 4, offset: 6)) }, storages,
            archive: "some_other_name");
        using var clips = CoursePairsFile.Read(path);
        TensorAssert.Equal([1, 3, 5, 7], clips.Noisy.flatten());
        TensorAssert.Equal([6, 7, 8, 9], clips.Clean.flatten());
    }

    [Fact]
    public void Big_endian_storages_are_byte_swapped()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File("big.pt");
        var storages = new Dictionary<string, float[]> { ["x"] = [0.5f, -1.25f, 3f], ["y"] = [1f, 2f, -7.5f] };
        TorchFileBuilder.WriteZip(path, new List<object> { new PyTuple(Tensor("x", 3), Tensor("y", 3)) }, storages, bigEndian: true);
        using var clips = CoursePairsFile.Read(path);
        TensorAssert.Equal([0.5f, -1.25f, 3f], clips.Noisy.flatten());
        TensorAssert.Equal([1f, 2f, -7.5f], clips.Clean.flatten());
    }
}
