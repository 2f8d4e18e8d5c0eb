using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using Workbook.Data;
using Workbook.TorchFiles;
using Workbook.Networks;
using Workbook.Training;
using Workbook.Tests.TorchFiles;
using Workbook.ModelFiles;

namespace Workbook.Tests.Data;

/// <summary>
/// Files made to hurt: each is refused with one line naming the file and the problem, before the memory it claims is
/// allocated. (How fast and how small is measured by hand and reported, not asserted: see the README.)
/// </summary>
public sealed class HostileFileTests : IDisposable
{
    private readonly ScratchFolder scratch = new();

    public void Dispose() => scratch.Dispose();

    private static InvalidDataException Refused(string path, Action read)
    {
        var e = Assert.Throws<InvalidDataException>(read);
        Assert.StartsWith(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    /// <summary>A zip entry of <paramref name="length"/> zero bytes after <paramref name="prefix"/>, deflated to almost nothing.</summary>
    private static void AddDeflated(ZipArchive zip, string name, byte[] prefix, long length, byte[]? suffix = null)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
        stream.Write(prefix);
        var zeros = new byte[1 << 20];
        for (long done = prefix.Length + (suffix?.Length ?? 0); done < length; done += zeros.Length)
            stream.Write(zeros, 0, (int)Math.Min(zeros.Length, length - done));
        if (suffix != null) stream.Write(suffix);
    }

    [Fact]
    public void A_pickle_that_inflates_far_beyond_what_pairs_need_is_refused()
    {
        string path = scratch.File("pickle-bomb.pt");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            // PROTO 2, BINBYTES8 of 64 MiB (zeros), STOP: a valid pickle that would inflate 1000-fold.
            long payload = 64L << 20;
            var head = new byte[11];
            head[0] = 0x80; head[1] = 2; head[2] = 0x8e;
            BinaryPrimitives.WriteInt64LittleEndian(head.AsSpan(3), payload);
            AddDeflated(zip, "bomb/data.pkl", head, head.Length + payload + 1, [(byte)'.']);
        }
        Assert.True(new FileInfo(path).Length < 1 << 20);
        Assert.Contains("data.pkl) inflates to", Refused(path, () => CoursePairsFile.Read(path)).Message);

        // In the legacy format the pickle cannot inflate, but a length prefix can lie: refused before allocating it.
        string legacy = scratch.File("length-bomb.pt");
        var lie = new byte[11];
        lie[0] = 0x80; lie[1] = 2; lie[2] = 0x8d;
        BinaryPrimitives.WriteInt64LittleEndian(lie.AsSpan(3), 1L << 40);
        File.WriteAllBytes(legacy, lie);
        Assert.Contains("pickle", Refused(legacy, () => CoursePairsFile.Read(legacy)).Message);
    }

    [Fact]
    public void A_storage_that_inflates_or_claims_more_than_the_file_holds_is_refused_before_allocation()
    {
        const int n = 16 << 20;
        var tensor = new FakeTensor("0", 0, [1, n], [1, 1]);
        var pairs = new List<object> { new PyTuple(tensor, tensor) };
        string path = scratch.File("storage-bomb.pt");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (var pickle = zip.CreateEntry("bomb/data.pkl").Open())
                pickle.Write(TorchFileBuilder.Pickle(pairs, new Dictionary<string, float[]>()));
            AddDeflated(zip, "bomb/data/0", [], 4L * n);
        }
        Assert.Contains("storage 0 inflates from", Refused(path, () => CoursePairsFile.Read(path)).Message);

        // Many pairs viewing one small storage: more samples than the file holds.
        var small = new FakeTensor("0", 0, [1, 1000], [1, 1]);
        string many = scratch.File("many-views.pt");
        TorchFileBuilder.WriteZip(many, Enumerable.Repeat<object>(new PyTuple(small, small), 500).ToList(),
            new Dictionary<string, float[]> { ["0"] = new float[1000] });
        Assert.Contains("the file's storages hold 1000", Refused(many, () => CoursePairsFile.Read(many)).Message);

        // A stride of 0 repeats one sample for any length.
        var repeated = new FakeTensor("0", 0, [1, 1_000_000_000], [1, 0]);
        string stride = scratch.File("stride-0.pt");
        TorchFileBuilder.WriteZip(stride, new List<object> { new PyTuple(repeated, repeated) }, new Dictionary<string, float[]> { ["0"] = new float[1] });
        Assert.Contains("reads outside its storage", Refused(stride, () => CoursePairsFile.Read(stride)).Message);
    }

    [Fact]
    public void A_flipped_byte_in_a_stored_zip_entry_fails_its_crc()
    {
        var values = Enumerable.Range(0, 64).Select(i => 0.25f + i / 1024f).ToArray();
        var t = new FakeTensor("0", 0, [1, 64], [1, 1]);
        string path = scratch.File("crc.pt");
        TorchFileBuilder.WriteZip(path, new List<object> { new PyTuple(t, t) }, new Dictionary<string, float[]> { ["0"] = values });
        using (var good = CoursePairsFile.Read(path)) Assert.Equal(1, good.Count);
        var bytes = File.ReadAllBytes(path);
        int at = bytes.AsSpan().IndexOf(MemoryMarshal.AsBytes(values.AsSpan(10, 2)));
        Assert.True(at > 0);
        bytes[at] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("storage 0, the data of x of pair 0, y of pair 0, is corrupt (its zip CRC-32 does not match)",
            Refused(path, () => CoursePairsFile.Read(path)).Message);
    }

    [Fact]
    public void A_non_finite_sample_is_named_by_file_pair_and_index()
    {
        var x = new float[50];
        x[7] = float.PositiveInfinity;
        string path = scratch.File("inf.pt");
        TorchFileBuilder.WriteZip(path, new List<object>
        {
            new PyTuple(new FakeTensor("0", 0, [1, 50], [1, 1]), new FakeTensor("1", 0, [1, 50], [1, 1])),
            new PyTuple(new FakeTensor("2", 0, [1, 50], [1, 1]), new FakeTensor("3", 0, [1, 50], [1, 1])),
        }, new Dictionary<string, float[]> { ["0"] = new float[50], ["1"] = new float[50], ["2"] = x, ["3"] = new float[50] });
        Assert.Contains("pair 1: x sample 7 is +infinity", Refused(path, () => CoursePairsFile.Read(path)).Message);

        string wav = scratch.File("nan.wav");
        using (var writer = new NAudio.Wave.WaveFileWriter(wav, NAudio.Wave.WaveFormat.CreateIeeeFloatWaveFormat(16000, 2)))
            writer.WriteSamples([0f, 0f, 0.5f, float.NegativeInfinity, float.NaN, 0f], 0, 6);
        Assert.Contains("sample 1 (channel 2) is -infinity", Refused(wav, () => WavAudio.Read(wav)).Message);
    }

    [Fact]
    public void Control_characters_from_a_file_are_escaped_in_messages()
    {
        string path = scratch.File("ansi.pt");
        byte[] pickle = [0x80, 0x02, .. "c\u001b[2J\u001b[31mos\nsystem\n"u8, (byte)'.'];
        TorchFileBuilder.WriteZipEntries(path, new Dictionary<string, byte[]> { ["a/data.pkl"] = pickle });
        var e = Refused(path, () => CoursePairsFile.Read(path));
        Assert.Contains("\\x1b[2J", e.Message);
        Assert.DoesNotContain('\u001b', e.Message);
    }

    [Fact]
    public void A_model_header_that_lies_about_its_architecture_is_refused_before_allocation()
    {
        string path = scratch.File("lying.cnn");
        foreach (var (taps, features, expected) in new (long[], long[], string)[]
                 {
                     ([255, 255, 255], [1, 256, 256, 1], "coefficients; at most"),    // 16.8 M coefficients: 67 MB
                     ([65536, 65536], [1, 1, 1], "a receptive field of 131071 samples"), // 8 s at 16 kHz, longer than any clip
                     ([1_000_000], [1, 1_000_000], "each tap count must be 1 to"),     // 1e12 coefficients
                     ([40, 40], [1, 64, 1], "truncated or do not match"),              // a plausible size, but not the bytes present
                 })
        {
            WriteModel(path, new ModelFile.Header(taps, features, TanhPlacement.BetweenLayers, 16000, "lies"), new byte[1000]);
            Assert.Contains(expected, Refused(path, () => ModelFile.Load(path)).Message);
        }
    }

    [Fact]
    public void A_flipped_byte_anywhere_in_a_model_is_reported_as_corruption()
    {
        string path = scratch.File("model.cnn");
        using var model = new MimoCnn(CnnSpecification.LabDenoiser);
        ModelFile.Save(model, path, 16000, "checksummed");
        var good = File.ReadAllBytes(path);
        int headerEnd = good.AsSpan().IndexOf("checksummed"u8);
        // Bytes of the description, of the coefficients' bookkeeping, and of the coefficients themselves.
        foreach (int at in new[] { headerEnd + 2, good.Length - 1600, good.Length - 800, good.Length - 5, good.Length - 1 })
        {
            var bytes = (byte[])good.Clone();
            bytes[at] ^= 0x10;
            File.WriteAllBytes(path, bytes);
            var e = Refused(path, () => ModelFile.Load(path));
            Assert.True(e.Message.Contains("corrupt") || e.Message.Contains("truncated"), e.Message);
        }
    }

    /// <summary>A model file of the current format with any header and coefficient bytes (and a valid-looking layout).</summary>
    private static void WriteModel(string path, ModelFile.Header header, byte[] coefficients)
    {
        using var writer = new BinaryWriter(File.Create(path), Encoding.UTF8);
        writer.Write("WORKBOOK-CNN"u8.ToArray());
        writer.Write(2);
        writer.Write(System.Text.Json.JsonSerializer.Serialize(header));
        writer.Write((long)coefficients.Length);
        writer.Write(new byte[32]);
        writer.Write(coefficients);
    }
}
