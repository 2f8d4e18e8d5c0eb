using Workbook.Tests.Data;
using Workbook.TorchFiles;
using static TorchSharp.torch;

namespace Workbook.Tests.TorchFiles;

/// <summary>
/// State_dicts that are not what the handout saved, made by <see cref="TorchFileBuilder"/>: views through offsets and
/// strides are copied out as PyTorch's <c>as_strided</c> defines them, and every wrong file is refused with one line
/// that starts with its path and says what is wrong.
/// </summary>
public sealed class LabStateDictDamageTests : IDisposable
{
    private readonly ScratchFolder scratch = new();

    public void Dispose() => scratch.Dispose();

    private string StateDict(object root, Dictionary<string, float[]> storages)
    {
        string path = scratch.File($"{Guid.NewGuid():N}.pt");
        TorchFileBuilder.WriteZip(path, root, storages);
        return path;
    }

    /// <summary>The one-line refusal, checked to name the file first.</summary>
    private static string Refusal(string path)
    {
        var e = Assert.Throws<InvalidDataException>(() => LabStateDict.Read(path));
        Assert.StartsWith(path + ": ", e.Message);
        return e.Message;
    }

    private static readonly float[] Ramp = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();

    /// <summary>One entry "w" viewing storage "s" (holding <paramref name="storage"/>).</summary>
    private string OneView(long offset, long[] size, long[] stride, float[] storage, long? elements = null) =>
        StateDict(new PyDict(("w", new FakeTensor("s", offset, size, stride, Elements: elements))), new() { ["s"] = storage });

    [Fact]
    public void Views_are_read_through_their_offset_and_strides_as_PyTorch_defines_them()
    {
        // element [i, j] = storage[offset + i·stride0 + j·stride1]
        var entries = LabStateDict.Read(OneView(2, [2, 3], [4, 1], Ramp));
        Assert.Equal(new long[] { 2, 3 }, entries[0].Value.shape);
        Assert.Equal(new float[] { 2, 3, 4, 6, 7, 8 }, entries[0].Value.data<float>().ToArray());
        // A stride of 0 is an expanded tensor (torch.save keeps it as it is): the row repeats.
        var expanded = LabStateDict.Read(OneView(5, [2, 3], [0, 1], Ramp));
        Assert.Equal(new float[] { 5, 6, 7, 5, 6, 7 }, expanded[0].Value.data<float>().ToArray());
        // A tensor with no elements over an empty storage.
        var empty = LabStateDict.Read(OneView(0, [0, 3], [3, 1], []));
        Assert.Equal(new long[] { 0, 3 }, empty[0].Value.shape);
        foreach (var entry in entries.Concat(expanded).Concat(empty)) entry.Value.Dispose();
    }

    [Fact]
    public void A_view_with_a_negative_offset_stride_or_size_is_refused()
    {
        string path = OneView(-1, [2], [1], Ramp);
        Assert.Equal($"{path}: w has a negative offset or stride", Refusal(path));
        path = OneView(4, [2, 2], [-1, 1], Ramp);
        Assert.Equal($"{path}: w has a negative offset or stride", Refusal(path));
        path = OneView(0, [2, -1], [1, 1], Ramp, elements: 12);
        Assert.Equal($"{path}: w has a negative size [2, -1]", Refusal(path));
    }

    [Theory]
    [InlineData(0, new long[] { 2, 3 }, new long[] { 3, 1 }, 5)] // last element 3 + 2 = 5: one past a storage of 5
    [InlineData(1, new long[] { 4 }, new long[] { 1 }, 4)]       // offset 1 + 3 = 4
    [InlineData(0, new long[] { 3 }, new long[] { 2 }, 4)]       // 2 · 2 = 4
    public void A_view_that_reads_one_element_past_its_storage_is_refused(long offset, long[] size, long[] stride, int stored)
    {
        string path = OneView(offset, size, stride, Ramp[..stored]);
        Assert.Equal($"{path}: w (offset {offset}, shape [{string.Join(", ", size)}], strides [{string.Join(", ", stride)}]) " +
                     $"reads outside its storage of {stored} elements", Refusal(path));
        // One element more in the storage and the same view reads.
        var entries = LabStateDict.Read(OneView(offset, size, stride, Ramp[..(stored + 1)]));
        Assert.Equal(size, entries[0].Value.shape);
        entries[0].Value.Dispose();
    }

    [Fact]
    public void Entries_come_in_name_order_with_numbers_compared_as_numbers()
    {
        string[] names = ["layers.10.filter", "layers.2.filter", "layers.1", "b", "layers.1.filter", "a.9", "a.10"];
        string path = StateDict(new PyDict(names.Select(n => ((object)n, (object?)new FakeTensor("s", 0, [1], [1]))).ToArray()),
            new() { ["s"] = [1f] });
        var entries = LabStateDict.Read(path);
        Assert.Equal(["a.9", "a.10", "b", "layers.1", "layers.1.filter", "layers.2.filter", "layers.10.filter"], entries.Select(e => e.Key));
        foreach (var entry in entries) entry.Value.Dispose();
    }

    [Fact]
    public void Entries_that_are_not_named_float32_tensors_are_refused_by_name()
    {
        var w = new FakeTensor("s", 0, [2], [1]);
        var storages = new Dictionary<string, float[]> { ["s"] = [1f, 2f] };
        string path = StateDict(new PyDict((1, w), ("layers.0.filter", w), ("layers.1.filter", w)), storages);
        Assert.Equal($"{path}: a state_dict key that is the int 1, not a string", Refusal(path));
        path = StateDict(new PyDict(("layers.0.filter", 3)), storages);
        Assert.Equal($"{path}: layers.0.filter is the int 3, expected a tensor", Refusal(path));
        path = StateDict(new PyDict(("layers.0.filter", w with { StorageClass = "DoubleStorage" })), storages);
        Assert.Equal($"{path}: layers.0.filter has dtype float64; only float32 tensors are supported", Refusal(path));
    }

    [Fact]
    public void A_storage_that_is_missing_or_of_the_wrong_size_is_named()
    {
        string path = StateDict(new PyDict(("layers.0.filter", new FakeTensor("5", 0, [2], [1]))), new() { ["s"] = [1f, 2f] });
        Assert.Equal($"{path}: storage 5 of layers.0.filter is missing", Refusal(path));
        path = StateDict(new PyDict(("layers.0.filter", new FakeTensor("s", 0, [2], [1], Elements: 8))), new() { ["s"] = new float[7] });
        Assert.Equal($"{path}: storage s has 28 bytes, expected 32 (8 float32 values)", Refusal(path));
    }

    [Fact]
    public void Damage_found_inside_the_unpickler_is_reported_with_the_file_once()
    {
        string path = OneView(0, [2], [1], Ramp, elements: -1);
        Assert.Equal($"{path}: not a readable PyTorch file (InvalidDataException: storage s claims -1 elements)", Refusal(path));
    }

    [Fact]
    public void A_file_that_is_not_a_PyTorch_file_or_not_there_is_named()
    {
        string path = scratch.File("abc.pt");
        File.WriteAllBytes(path, "abc"u8.ToArray());
        Assert.Equal($"{path}: not a PyTorch file: it does not start with a zip header", Refusal(path));
        File.WriteAllBytes(path, [0x80, 0x02]);
        Assert.Equal($"{path}: a legacy-format .pt file; save the state_dict with a PyTorch of 1.6 or later (zip format, the default)", Refusal(path));
        Assert.Equal("no state_dict file at /no/such/model.pt", Assert.Throws<FileNotFoundException>(() => LabStateDict.Read("/no/such/model.pt")).Message);
    }

    [Fact]
    public void A_state_dict_that_is_not_the_handouts_network_says_why()
    {
        using var scope = NewDisposeScope();
        Assert.Equal("the state_dict: layers.0.filter has shape [4, 5], expected [K, G, F] (taps, outputs, inputs)",
            Assert.Throws<InvalidDataException>(() => LabStateDict.ToMimoCnn([new("layers.0.filter", zeros(4, 5))])).Message);
        Assert.Equal("the state_dict: no layers.N.filter entries, so not the handout's MIMO_CNN",
            Assert.Throws<InvalidDataException>(() => LabStateDict.ToMimoCnn([])).Message);
        Assert.Equal("m.pt: layers 0, 2; expected layers 0 to 1 without gaps",
            Assert.Throws<InvalidDataException>(() => LabStateDict.ToMimoCnn(
                [new("layers.0.filter", zeros(4, 5, 1)), new("layers.2.filter", zeros(4, 1, 5))], source: "m.pt")).Message);
        Assert.Equal("the state_dict: layers.1.filter takes 3 inputs (shape [4, 1, 3], [K, G, F]) but the layer before outputs 5",
            Assert.Throws<InvalidDataException>(() => LabStateDict.ToMimoCnn(
                [new("layers.0.filter", zeros(4, 5, 1)), new("layers.1.filter", zeros(4, 1, 3))])).Message);
    }
}
