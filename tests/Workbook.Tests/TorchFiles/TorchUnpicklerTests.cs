using Workbook.TorchFiles;

namespace Workbook.Tests.TorchFiles;

/// <summary>
/// The unpickler's reading of torch's storage records and tensor calls, against PyTorch's serialization.py
/// (<c>persistent_load</c>, <c>_rebuild_tensor_v2</c>): what a file of tensors holds is accepted, everything else is
/// refused with a message that says which part of the record is wrong. Pickles are assembled by <see cref="TorchFileBuilder"/>.
/// </summary>
public class TorchUnpicklerTests
{
    private static readonly PyGlobal FloatStorage = new("torch", "FloatStorage");

    private static object Unpickle(object root) =>
        TorchSaveFormat.Unpickle(new MemoryStream(TorchFileBuilder.Pickle(root, new Dictionary<string, float[]>())), "f.pt");

    private static string Refusal(object root) => Assert.Throws<InvalidDataException>(() => Unpickle(root)).Message;

    /// <summary>torch.save's record of a storage: <c>("storage", class, key, device, element count)</c>.</summary>
    private static PyPersistent Storage(object? key, object? count = null, object? storageClass = null) =>
        new(new PyTuple("storage", storageClass ?? FloatStorage, key!, "cpu", count ?? 4));

    [Fact]
    public void A_storage_record_becomes_a_reference_to_its_key_class_and_count()
    {
        Assert.Equal(new StorageReference("7", "torch.FloatStorage", 4), Unpickle(Storage("7")));
        Assert.Equal(new StorageReference("0", "torch.FloatStorage", 0), Unpickle(Storage("0", count: 0))); // an empty tensor's storage
        string longest = new('k', 100);
        Assert.Equal(longest, ((StorageReference)Unpickle(Storage(longest))).Key);
        // The legacy format's sixth element, view metadata, is None for every storage a PyTorch of 1.0 or later wrote.
        Assert.Equal(new StorageReference("0", "torch.FloatStorage", 4), Unpickle(new PyPersistent(new PyTuple("storage", FloatStorage, "0", "cpu", 4, null!))));
    }

    [Fact]
    public void A_persistent_id_that_is_not_a_storage_record_is_refused_by_what_is_wrong()
    {
        Assert.Equal("a persistent id the string 'x' that is not a torch storage record", Refusal(new PyPersistent("x")));
        Assert.Equal("a persistent id a tuple of 4 items that is not a torch storage record",
            Refusal(new PyPersistent(new PyTuple("storage", FloatStorage, "0", "cpu"))));
        Assert.Equal("a storage record whose class is the string 'FloatStorage'", Refusal(Storage("0", storageClass: "FloatStorage")));
        Assert.Equal("a storage record whose key is the int 0", Refusal(Storage(0)));
        Assert.Equal("the element count of storage 0 is the string '4', expected an int", Refusal(Storage("0", count: "4")));
        Assert.Equal("storage 0 claims -1 elements", Refusal(Storage("0", count: -1)));
        Assert.Equal("storage 0 is a view into another storage (PyTorch 0.x files); save the data again with a current PyTorch",
            Refusal(new PyPersistent(new PyTuple("storage", FloatStorage, "0", "cpu", 4, new PyTuple("1", 0, 4)))));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("../0", "../0")]
    [InlineData("a\\b", "a\\b")]
    [InlineData("a\u0001b", "a\\x01b")]
    [InlineData("line\nbreak", "line\\x0abreak")]
    public void A_storage_key_that_is_not_a_plain_name_is_refused(string key, string shown)
    {
        // Keys become zip entry names and appear in messages: no paths, no control characters.
        Assert.Equal($"a storage key '{shown}' that is not a plain name", Refusal(Storage(key)));
    }

    [Fact]
    public void A_storage_key_longer_than_100_characters_is_refused()
    {
        Assert.StartsWith("a storage key 'kkkk", Refusal(Storage(new string('k', 101))));
    }

    private static PyCall Rebuild(params object?[] arguments) => new(TorchFileBuilder.RebuildTensor, arguments);

    [Fact]
    public void A_tensor_is_its_storage_offset_size_and_stride_with_or_without_the_later_arguments()
    {
        var storage = new StorageReference("0", "torch.FloatStorage", 4);
        // PyTorch 1.x passes (storage, offset, size, stride, requires_grad, hooks[, metadata]); the first four are all a view needs.
        var full = Assert.IsType<TensorReference>(Unpickle(TorchFileBuilder.Rebuild(Storage("0").Id, 1, new PyTuple(1, 3), new PyTuple(3, 1))));
        var four = Assert.IsType<TensorReference>(Unpickle(Rebuild(Storage("0"), 1, new PyTuple(1, 3), new PyTuple(3, 1))));
        foreach (var t in new[] { full, four })
        {
            Assert.Equal(storage, t.Storage);
            Assert.Equal(1, t.Offset);
            Assert.Equal(new long[] { 1, 3 }, t.Size);
            Assert.Equal(new long[] { 3, 1 }, t.Stride);
        }
    }

    [Fact]
    public void A_tensor_call_with_wrong_arguments_names_the_argument()
    {
        Assert.Equal("_rebuild_tensor_v2 called with 3 arguments, expected at least 4",
            Refusal(Rebuild(Storage("0"), 0, new PyTuple(4))));
        Assert.Equal("a tensor whose storage is the int 5", Refusal(Rebuild(5, 0, new PyTuple(4), new PyTuple(1))));
        Assert.Equal("a tensor's storage offset is the string '0', expected an int",
            Refusal(Rebuild(Storage("0"), "0", new PyTuple(4), new PyTuple(1))));
        Assert.Equal("a tensor's size is a list of 1 items, expected a tuple of ints",
            Refusal(Rebuild(Storage("0"), 0, new List<object> { 4 }, new PyTuple(1))));
        Assert.Equal("a tensor's stride[0] is None, expected an int",
            Refusal(Rebuild(Storage("0"), 0, new PyTuple(4), new PyTuple(new object[] { null! }))));
        Assert.Equal("a tensor with 2 sizes but 1 strides", Refusal(Rebuild(Storage("0"), 0, new PyTuple(2, 2), new PyTuple(1))));
    }

    [Fact]
    public void OrderedDict_is_only_ever_called_empty_and_a_storage_class_never()
    {
        var orderedDict = new PyGlobal("collections", "OrderedDict");
        Assert.IsType<PythonOrderedDict>(Unpickle(new PyCall(orderedDict)));
        Assert.IsType<PythonOrderedDict>(Unpickle(new PyCall(orderedDict, new PyTuple())));        // TorchSharp.PyBridge: OrderedDict(())
        Assert.IsType<PythonOrderedDict>(Unpickle(new PyCall(orderedDict, new List<object>())));
        Assert.Equal("OrderedDict called with 1 arguments; torch.save writes it empty",
            Refusal(new PyCall(orderedDict, new List<object> { new PyTuple("k", 1) })));
        Assert.Equal("the pickle calls torch.FloatStorage, which a file of saved tensors never does", Refusal(new PyCall(FloatStorage, 4)));
    }
}
