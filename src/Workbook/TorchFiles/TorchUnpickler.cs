using System.Collections;
using Razorvine.Pickle;
using Workbook.Data;
using Workbook.Files;

namespace Workbook.TorchFiles;

/// <summary>A storage (flat array of one dtype) that a torch pickle refers to by key; its bytes live outside the pickle.</summary>
/// <param name="Key">the storage's name: the zip entry <c>data/&lt;key&gt;</c>, or its place in the legacy key list</param>
/// <param name="TypeName">the pickled storage class, e.g. <c>torch.FloatStorage</c></param>
/// <param name="ElementCount">how many elements the storage holds</param>
internal sealed record StorageReference(string Key, string TypeName, long ElementCount)
{
    /// <summary>The dtype PyTorch prints for this storage class (float32 for FloatStorage, …).</summary>
    public string DType => TypeName switch
    {
        "torch.FloatStorage" => "float32",
        "torch.DoubleStorage" => "float64",
        "torch.HalfStorage" => "float16",
        "torch.BFloat16Storage" => "bfloat16",
        "torch.LongStorage" => "int64",
        "torch.IntStorage" => "int32",
        "torch.ShortStorage" => "int16",
        "torch.CharStorage" => "int8",
        "torch.ByteStorage" => "uint8",
        "torch.BoolStorage" => "bool",
        _ => TypeName,
    };
}

/// <summary>
/// A tensor as a torch pickle describes it: a view of <see cref="Storage"/> where element
/// <c>[i0, i1, …]</c> is <c>storage[Offset + i0·Stride[0] + i1·Stride[1] + …]</c>.
/// </summary>
internal sealed record TensorReference(StorageReference Storage, long Offset, long[] Size, long[] Stride)
{
    /// <summary>
    /// True when every element this view reads lies inside its storage and the view holds no more elements than the
    /// storage (so memory stays in proportion to the file: a stride of 0 may repeat a value, but not claim a billion
    /// copies of it). Every reader checks this before it materialises a tensor; the arithmetic is checked, so sizes and
    /// strides that overflow are outside too.
    /// </summary>
    public bool LiesWithinStorage
    {
        get
        {
            if (Offset < 0 || Size.Any(s => s < 0) || Stride.Any(s => s < 0)) return false;
            if (Size.Contains(0)) return true;
            try
            {
                long elements = 1, last = Offset;
                for (int d = 0; d < Size.Length; d++)
                {
                    elements = checked(elements * Size[d]);
                    last = checked(last + checked((Size[d] - 1) * Stride[d]));
                }
                return elements <= Storage.ElementCount && last < Storage.ElementCount;
            }
            catch (OverflowException)
            {
                return false;
            }
        }
    }
}

/// <summary>
/// Razorvine's unpickler taught the few PyTorch names a file of tensors uses. Storages come back as
/// <see cref="StorageReference"/> (their bytes are read separately) and tensors as <see cref="TensorReference"/>.
/// </summary>
/// <remarks>
/// Only call <see cref="Unpickler.loads(byte[])"/> on bytes that <see cref="PickleScanner"/> has checked
/// against <see cref="AllowedGlobals"/>: Razorvine itself would turn any other global into an inert dictionary
/// rather than refuse it.
/// </remarks>
internal sealed class TorchUnpickler : Unpickler
{
    private static readonly string[] StorageClasses =
    [
        "FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage",
        "IntStorage", "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage",
    ];

    /// <summary>
    /// Every global a pickled list of tensors or a <c>state_dict</c> needs: the tensor rebuild function, the storage
    /// classes (all of them, so that a float64 file is reported as "float64", not as a forbidden name) and OrderedDict
    /// (a tensor's empty backward hooks; a state_dict itself).
    /// </summary>
    public static IReadOnlySet<string> AllowedGlobals { get; } = new HashSet<string>(
        ["torch._utils._rebuild_tensor_v2", "collections.OrderedDict", .. StorageClasses.Select(s => "torch." + s)]);

    static TorchUnpickler()
    {
        // Razorvine keeps its constructor table per process; these names mean the same everywhere.
        registerConstructor("torch._utils", "_rebuild_tensor_v2", new RebuildTensor());
        registerConstructor("collections", "OrderedDict", new EmptyOrderedDict());
        foreach (string storage in StorageClasses)
            registerConstructor("torch", storage, new StorageClass("torch." + storage));
    }

    /// <summary>
    /// Torch pickles a storage as a persistent id, the tuple
    /// <c>("storage", storage class, key, device, element count[, view metadata])</c>.
    /// </summary>
    protected override object persistentLoad(object pid)
    {
        if (pid is not object[] { Length: >= 5 } record || record[0] as string != "storage")
            throw new InvalidDataException($"a persistent id {PythonNames.Describe(pid)} that is not a torch storage record");
        if (record[1] is not StorageClass storageClass)
            throw new InvalidDataException($"a storage record whose class is {PythonNames.Describe(record[1])}");
        if (record[2] is not string key)
            throw new InvalidDataException($"a storage record whose key is {PythonNames.Describe(record[2])}");
        // Keys are short names (PyTorch uses "0", "1", …) that appear in messages and zip entry names.
        if (key.Length is 0 or > 100 || key.Any(c => char.IsControl(c) || c is '/' or '\\'))
            throw new InvalidDataException($"a storage key '{Quoted.Escape(key)}' that is not a plain name");
        if (record.Length > 5 && record[5] is not null)
            throw new InvalidDataException($"storage {key} is a view into another storage (PyTorch 0.x files); save the data again with a current PyTorch");
        long count = PythonNames.ToInt64(record[4], $"the element count of storage {key}");
        if (count < 0) throw new InvalidDataException($"storage {key} claims {count} elements");
        return new StorageReference(key, storageClass.Name, count);
    }

    /// <summary><c>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])</c>.</summary>
    private sealed class RebuildTensor : IObjectConstructor
    {
        public object construct(object[] args)
        {
            if (args.Length < 4)
                throw new InvalidDataException($"_rebuild_tensor_v2 called with {args.Length} arguments, expected at least 4");
            if (args[0] is not StorageReference storage)
                throw new InvalidDataException($"a tensor whose storage is {PythonNames.Describe(args[0])}");
            long offset = PythonNames.ToInt64(args[1], "a tensor's storage offset");
            long[] size = PythonNames.ToInt64Tuple(args[2], "a tensor's size");
            long[] stride = PythonNames.ToInt64Tuple(args[3], "a tensor's stride");
            if (size.Length != stride.Length)
                throw new InvalidDataException($"a tensor with {size.Length} sizes but {stride.Length} strides");
            return new TensorReference(storage, offset, size, stride);
        }
    }

    /// <summary>
    /// <c>collections.OrderedDict()</c>: the (empty) backward hooks of a saved tensor, and a <c>state_dict</c>. Only ever
    /// called empty: without arguments (torch.save) or with one empty tuple or list (TorchSharp.PyBridge writes
    /// <c>OrderedDict(())</c>); the items come from the pickle's SETITEMS.
    /// </summary>
    private sealed class EmptyOrderedDict : IObjectConstructor
    {
        public object construct(object[] args) => args switch
        {
            [] or [object[] { Length: 0 }] or [ArrayList { Count: 0 }] => new PythonOrderedDict(),
            _ => throw new InvalidDataException($"OrderedDict called with {args.Length} arguments; torch.save writes it empty"),
        };
    }

    /// <summary>A storage class such as <c>torch.FloatStorage</c>: only ever named inside a storage record, never called.</summary>
    private sealed class StorageClass(string name) : IObjectConstructor
    {
        public string Name { get; } = name;

        public object construct(object[] args) =>
            throw new InvalidDataException($"the pickle calls {Name}, which a file of saved tensors never does");
    }
}

/// <summary>
/// A Python <c>OrderedDict</c> as unpickled. Razorvine's SETITEMS fills a <see cref="Hashtable"/> (and not in the
/// pickle's order), so this is one. A <c>state_dict</c> pickles its <c>_metadata</c> attribute (module versions) as
/// BUILD state, which Razorvine hands to <c>__setstate__</c>; nothing here needs it, so it is kept but never interpreted.
/// </summary>
internal sealed class PythonOrderedDict : Hashtable
{
    /// <summary>The attributes the pickle set on the dictionary (a state_dict's <c>_metadata</c>), or null.</summary>
    public Hashtable? Attributes { get; private set; }

    /// <summary>Called by Razorvine's BUILD opcode with the object's attribute dictionary.</summary>
    public void __setstate__(Hashtable state) => Attributes = state;
}
