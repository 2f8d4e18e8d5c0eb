using System.IO.Compression;
using System.Runtime.InteropServices;
using Workbook.ModelFiles;
using Workbook.Networks;
using Workbook.Tests.Data;
using Workbook.TorchFiles;
using static TorchSharp.torch;

namespace Workbook.Tests.TorchFiles;

/// <summary>
/// State_dicts made to take the machine (a view claiming 10^8 taps over one value, a storage that inflates a
/// thousandfold, a network beyond <see cref="ModelLimits"/>) or to poison it (NaN, infinite or absurd coefficients):
/// each refused with one line naming the file and the tensor, before anything its claims would need is allocated.
/// </summary>
public sealed class StateDictLimitTests : IDisposable
{
    private readonly ScratchFolder scratch = new();

    public void Dispose() => scratch.Dispose();

    /// <summary>A state_dict of <c>layers.{l}.filter</c> entries, each [K, G, F] (contiguous) over its own storage.</summary>
    private string Layers(params (long[] Shape, float[] Values)[] layers)
    {
        string path = scratch.File($"{Guid.NewGuid():N}.pt");
        var items = layers.Select((l, i) => ((object)$"layers.{i}.filter",
            (object?)new FakeTensor($"{i}", 0, l.Shape, [l.Shape[1] * l.Shape[2], l.Shape[2], 1]))).ToArray();
        TorchFileBuilder.WriteZip(path, new PyDict(items), layers.Select((l, i) => (i, l.Values)).ToDictionary(p => $"{p.i}", p => p.Values));
        return path;
    }

    /// <summary>The refusal, checked to be one line that starts with the file, and the managed bytes this thread allocated meanwhile.</summary>
    private static (string Message, long Allocated) Refusal(string path, Action read)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(read);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return (e.Message, allocated);
    }

    [Fact]
    public void A_stride_0_view_claiming_a_hundred_million_taps_over_one_value_is_refused_before_it_is_read()
    {
        string path = scratch.File("stride0.pt");
        TorchFileBuilder.WriteZip(path, new PyDict(("layers.0.filter", new FakeTensor("s", 0, [100_000_000, 1, 1], [0, 0, 0], Elements: 1))),
            new Dictionary<string, float[]> { ["s"] = [0.5f] });
        var (message, _) = Refusal(path, () => LabStateDict.ReadMimoCnn(path).Dispose());
        Assert.Equal($"{path}: layers.0.filter (offset 0, shape [100000000, 1, 1], strides [0, 0, 0]) reads outside its storage of 1 elements", message);
        // The same through the generic reader, and a view whose sizes overflow int64.
        Assert.Contains("reads outside its storage", Refusal(path, () => LabStateDict.Read(path)).Message);
        path = scratch.File("overflow.pt");
        TorchFileBuilder.WriteZip(path, new PyDict(("w", new FakeTensor("s", 0, [1L << 62, 4], [1, 1], Elements: 4))), new Dictionary<string, float[]> { ["s"] = new float[4] });
        Assert.Contains("reads outside its storage of 4 elements", Refusal(path, () => LabStateDict.Read(path)).Message);
    }

    [Fact]
    public void A_storage_that_inflates_a_thousandfold_is_refused_before_it_is_inflated()
    {
        // 8 M zeros (32 MB) deflate to about 32 kB; torch.save stores tensors uncompressed.
        var zeros = new float[8 << 20];
        var pickle = TorchFileBuilder.Pickle(new PyDict(("layers.0.filter", new FakeTensor("s", 0, [3, 1, 1], [1, 1, 1], Elements: zeros.Length))),
            new Dictionary<string, float[]> { ["s"] = zeros });
        string path = scratch.File("bomb.pt");
        TorchFileBuilder.WriteZipEntries(path, new Dictionary<string, byte[]>
        {
            ["archive/data.pkl"] = pickle,
            ["archive/data/s"] = MemoryMarshal.AsBytes(zeros.AsSpan()).ToArray(),
        }, CompressionLevel.SmallestSize);
        Assert.True(new FileInfo(path).Length < 1 << 20);
        var (message, allocated) = Refusal(path, () => LabStateDict.ReadMimoCnn(path).Dispose());
        Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(path)}: storage s inflates from \d+ to 33554432 bytes, more than 16:1", message);
        Assert.True(allocated < 8 << 20, $"{allocated} bytes allocated before the refusal");
    }

    [Fact]
    public void A_network_beyond_the_model_limits_is_refused_before_its_storages_are_read()
    {
        // 100 layers of one tap: every storage's bytes are damaged (CRC mismatch), so a refusal naming the limit
        // proves the storages were never read.
        var layers = Enumerable.Range(0, 100).Select(_ => (new long[] { 1, 1, 1 }, new[] { 1f })).ToArray();
        string path = Layers(layers);
        var bytes = File.ReadAllBytes(path);
        byte[] one = BitConverter.GetBytes(1f), two = BitConverter.GetBytes(2f);
        int damaged = 0;
        for (int at = bytes.AsSpan().IndexOf(one); at >= 0; at = bytes.AsSpan(at + 4).IndexOf(one) is int next and >= 0 ? at + 4 + next : -1, damaged++)
            two.CopyTo(bytes, at);
        Assert.Equal(100, damaged);
        File.WriteAllBytes(path, bytes);
        Assert.Contains("is corrupt (its zip CRC-32 does not match)", Refusal(path, () => LabStateDict.Read(path)).Message);
        Assert.Equal($"{path}: the state_dict describes 100 layers; a model has 1 to {ModelLimits.MaxLayers}",
            Refusal(path, () => LabStateDict.ReadMimoCnn(path).Dispose()).Message);

        // 70 000 taps, the whole network's receptive field beyond the limit.
        path = Layers((new long[] { 70_000, 1, 1 }, new float[70_000]));
        Assert.Equal($"{path}: the state_dict describes taps [70000] and features [1, 1]; each tap count must be 1 to {ModelLimits.MaxTaps}, each feature count 1 to {ModelLimits.MaxFeatures}",
            Refusal(path, () => LabStateDict.ReadMimoCnn(path).Dispose()).Message);

        // Two output channels: a denoiser of mono audio gives one (it was denoised to mono silently).
        path = Layers((new long[] { 3, 2, 1 }, new float[6]));
        Assert.Equal($"{path}: the state_dict describes taps [3] and features [1, 2]; a denoiser takes and gives one channel (mono audio), so the first and last feature counts must be 1",
            Refusal(path, () => LabStateDict.ReadMimoCnn(path).Dispose()).Message);
        Assert.Equal($"{path}: the state_dict describes taps [3] and features [1, 2]; a denoiser takes and gives one channel (mono audio), so the first and last feature counts must be 1",
            Assert.Throws<InvalidDataException>(() => ModelSource.Load(path)).Message);
    }

    [Theory]
    [InlineData(float.NaN, "coefficient 2 is NaN; coefficients must be finite")]
    [InlineData(float.PositiveInfinity, "coefficient 2 is +infinity; coefficients must be finite")]
    [InlineData(float.NegativeInfinity, "coefficient 2 is -infinity; coefficients must be finite")]
    [InlineData(3e38f, "coefficient 2 is 3E+38, beyond ±1000000")]
    [InlineData(-1.5e6f, "coefficient 2 is -1.5E+06, beyond ±1000000")]
    public void A_coefficient_that_is_not_finite_or_beyond_the_bound_is_refused_naming_the_tensor(float bad, string why)
    {
        var values = new float[] { 0.1f, -0.2f, bad, 0.3f };
        string path = Layers((new long[] { 2, 2, 1 }, new float[] { 0.1f, 0.2f, 0.3f, 0.4f }), (new long[] { 2, 1, 2 }, values));
        Assert.Equal($"{path}: layers.1.filter: {why}", Refusal(path, () => LabStateDict.ReadMimoCnn(path).Dispose()).Message);
        // At the bound itself the file loads.
        values[2] = MathF.CopySign(ModelLimits.MaxCoefficient, float.IsNaN(bad) ? 1 : bad);
        path = Layers((new long[] { 2, 2, 1 }, new float[] { 0.1f, 0.2f, 0.3f, 0.4f }), (new long[] { 2, 1, 2 }, values));
        LabStateDict.ReadMimoCnn(path).Dispose();
    }

    [Fact]
    public void A_state_dict_key_with_control_characters_is_shown_escaped()
    {
        string path = scratch.File("ansi.pt");
        TorchFileBuilder.WriteZip(path, new PyDict(("layers.0.filter\u001b[2J\u001b[31m", new FakeTensor("s", 0, [1, 1, 1], [1, 1, 1]))),
            new Dictionary<string, float[]> { ["s"] = [1f] });
        var (message, _) = Refusal(path, () => LabStateDict.ReadMimoCnn(path).Dispose());
        Assert.Contains("'layers.0.filter\\x1b[2J\\x1b[31m'", message);
        Assert.DoesNotContain('\u001b', message);
    }

    [Fact]
    public void A_model_file_with_a_non_finite_or_absurd_coefficient_is_refused_naming_the_file_and_the_tensor()
    {
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, 3e38f })
        {
            string path = scratch.File($"bad-{Guid.NewGuid():N}.cnn");
            using (var model = new MimoCnn(CnnSpecification.LabDenoiser))
            {
                using (no_grad()) model.Layers[1].H[7, 2, 0] = bad;
                ModelFile.Save(model, path, 16000, "poisoned");
            }
            var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));
            Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(path)}: [\w.]+: coefficient 37 is ", e.Message);
            Assert.Contains(float.IsFinite(bad) ? "beyond ±1000000" : "coefficients must be finite", e.Message);
        }
    }
}
