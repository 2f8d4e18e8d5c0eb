using System.Collections;
using System.IO.Compression;
using System.Text.RegularExpressions;
using TorchSharp;
using TorchSharp.PyBridge;
using Workbook.Data;
using Workbook.Networks;
using static TorchSharp.torch;
using Workbook.Files;
using Workbook.ModelFiles;

namespace Workbook.TorchFiles;

/// <summary>
/// Reads what the handout's <c>torch.save(model.state_dict(), path)</c> writes for its <c>MIMO_CNN</c>, and builds the
/// same network as a <see cref="MimoCnn"/>.
/// </summary>
/// <remarks>
/// <para>A state_dict is an <c>OrderedDict</c> of parameter name → tensor; the handout's names its layers
/// <c>layers.0.filter</c>, <c>layers.1.filter</c>, … and stores each as <c>[K, G, F]</c> (taps, outputs, inputs),
/// where <see cref="MimoFilter.H"/> is <c>[K, F, G]</c>: the importer swaps dimensions 1 and 2.</para>
/// <para><see cref="Write"/> goes the other way: a file the handout's class loads with <c>load_state_dict</c>.</para>
/// <para>Only the zip format (<c>torch.save</c>'s default since PyTorch 1.6) is read, through the same allow-listed
/// unpickler as <see cref="CoursePairsFile"/>: a file that names any other Python global is refused unread.</para>
/// </remarks>
public static partial class LabStateDict
{
    /// <summary>
    /// The state_dict's float32 tensors (shapes as saved), in name order with numbers compared as numbers
    /// (<c>layers.2.filter</c> before <c>layers.10.filter</c>): Razorvine does not keep a dictionary's pickled order.
    /// </summary>
    /// <exception cref="FileNotFoundException">no file at <paramref name="path"/></exception>
    /// <exception cref="InvalidDataException">not a zip-format <c>state_dict</c> of float32 tensors; the message names the file</exception>
    public static IReadOnlyList<KeyValuePair<string, Tensor>> Read(string path) => Read(path, _ => { });

    /// <summary><see cref="Read(string)"/>, with <paramref name="checkShapes"/> called on every entry's name and shape after
    /// every view is checked against its storage and before any storage is read or any tensor allocated.</summary>
    private static IReadOnlyList<KeyValuePair<string, Tensor>> Read(string path, Action<IReadOnlyList<(string Name, long[] Shape)>> checkShapes)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no state_dict file at {path}", path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var result = new List<KeyValuePair<string, Tensor>>();
        try
        {
            Span<byte> start = stackalloc byte[4];
            int read = file.ReadAtLeast(start, 4, throwOnEndOfStream: false);
            file.Position = 0;
            if (!TorchSaveFormat.IsZip(start[..read]))
                throw new InvalidDataException(TorchSaveFormat.IsLegacy(start[..read])
                    ? $"{path}: a legacy-format .pt file; save the state_dict with a PyTorch of 1.6 or later (zip format, the default)"
                    : $"{path}: not a PyTorch file: it does not start with a zip header");
            using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            var (pickleEntry, archive) = TorchSaveFormat.FindPickle(zip, path);
            bool bigEndian = TorchSaveFormat.IsBigEndian(zip, archive, path);
            object root = TorchSaveFormat.UnpickleEntry(zip, pickleEntry, archive, path);
            // torch.save of model.state_dict() pickles an OrderedDict; TorchSharp.PyBridge (our Write) and
            // torch.save(dict(...)) a plain dict. Both are name → tensor, which is all a state_dict is.
            if (root is not Hashtable dictionary)
                throw new InvalidDataException($"{path}: holds {PythonNames.Describe(root)}, expected a state_dict (an OrderedDict of name → tensor)");

            // First every entry's name, type and view, and every storage's entry, from the pickle and the zip's directory
            // alone: nothing is read or allocated for a file that claims more than it holds.
            var views = new List<(string Name, string Shown, TensorReference Tensor)>();
            var storages = new Dictionary<string, StorageReference>();
            foreach (object key in dictionary.Keys.Cast<object>().OrderBy(k => k as string, NaturalOrder.Instance))
            {
                if (key is not string name)
                    throw new InvalidDataException($"{path}: a state_dict key that is {PythonNames.Describe(key)}, not a string");
                string shown = Quoted.Escape(name);
                if (dictionary[key] is not TensorReference t)
                    throw new InvalidDataException($"{path}: {shown} is {PythonNames.Describe(dictionary[key])}, expected a tensor");
                if (t.Storage.TypeName != "torch.FloatStorage")
                    throw new InvalidDataException($"{path}: {shown} has dtype {t.Storage.DType}; only float32 tensors are supported");
                if (t.Offset < 0 || t.Stride.Any(s => s < 0))
                    throw new InvalidDataException($"{path}: {shown} has a negative offset or stride");
                if (t.Size.Any(s => s < 0))
                    throw new InvalidDataException($"{path}: {shown} has a negative size [{string.Join(", ", t.Size)}]");
                if (!t.LiesWithinStorage)
                    throw new InvalidDataException(
                        $"{path}: {shown} (offset {t.Offset}, shape [{string.Join(", ", t.Size)}], strides [{string.Join(", ", t.Stride)}]) reads outside its storage of {t.Storage.ElementCount} elements");
                if (!storages.TryGetValue(t.Storage.Key, out var first))
                {
                    var data = zip.GetEntry($"{archive}/data/{t.Storage.Key}")
                        ?? throw new InvalidDataException($"{path}: storage {t.Storage.Key} of {shown} is missing");
                    if (data.Length != t.Storage.ElementCount * sizeof(float))
                        throw new InvalidDataException(
                            $"{path}: storage {t.Storage.Key} has {data.Length} bytes, expected {t.Storage.ElementCount * sizeof(float)} ({t.Storage.ElementCount} float32 values)");
                    TorchSaveFormat.RequirePlausibleInflation(data, t.Storage.Key, path);
                    storages[t.Storage.Key] = t.Storage;
                }
                else if (first != t.Storage)
                    throw new InvalidDataException($"{path}: storage {t.Storage.Key} is described twice, as {first.ElementCount} and as {t.Storage.ElementCount} elements");
                views.Add((name, shown, t));
            }
            checkShapes(views.Select(v => (v.Name, v.Tensor.Size)).ToList());

            var values = new Dictionary<string, float[]>();
            foreach (var (name, shown, t) in views)
            {
                if (!values.TryGetValue(t.Storage.Key, out var stored))
                {
                    var data = zip.GetEntry($"{archive}/data/{t.Storage.Key}")!;
                    using var stream = data.Open();
                    values[t.Storage.Key] = stored = TorchSaveFormat.ReadFloats(stream, t.Storage.ElementCount, bigEndian, out uint crc);
                    if (crc != data.Crc32)
                        throw new InvalidDataException($"{path}: storage {t.Storage.Key} of {shown} is corrupt (its zip CRC-32 does not match)");
                }
                result.Add(new(name, View(stored, t)));
            }
            return result;
        }
        catch (Exception e)
        {
            foreach (var entry in result) entry.Value.Dispose();
            if (TorchSaveFormat.IsDamage(e) && !e.Message.StartsWith(path, StringComparison.Ordinal))
                throw new InvalidDataException($"{path}: not a readable PyTorch file ({e.GetType().Name}: {Quoted.Escape(e.Message.Split('\n')[0], 200)})", e);
            throw;
        }
    }

    /// <summary>
    /// Reads the handout's <c>MIMO_CNN</c> state_dict and builds the same network: L layers from the keys
    /// <c>layers.0.filter</c> … <c>layers.{L−1}.filter</c>, taps and features from their <c>[K, G, F]</c> shapes.
    /// The architecture is checked against <see cref="ModelLimits"/> before any storage is read, the coefficients
    /// (finite, bounded) before the network is built.
    /// </summary>
    /// <param name="tanh">where the handout's network applies tanh (its code: between layers); a state_dict does not say</param>
    /// <exception cref="InvalidDataException">the file is not such a state_dict; the message says what is wrong</exception>
    public static MimoCnn ReadMimoCnn(string path, TanhPlacement tanh = TanhPlacement.BetweenLayers)
    {
        var entries = Read(path, shapes => Architecture(shapes, tanh, path));
        try
        {
            return ToMimoCnn(entries, tanh, path);
        }
        finally
        {
            foreach (var entry in entries) entry.Value.Dispose();
        }
    }

    /// <summary>Builds the network from the tensors of a state_dict (see <see cref="ReadMimoCnn"/>); copies them.</summary>
    /// <param name="source">names the state_dict in messages</param>
    public static MimoCnn ToMimoCnn(IReadOnlyList<KeyValuePair<string, Tensor>> stateDict, TanhPlacement tanh = TanhPlacement.BetweenLayers, string source = "the state_dict")
    {
        var specification = Architecture(stateDict.Select(e => (e.Key, e.Value.shape)).ToList(), tanh, source);
        var byName = stateDict.ToDictionary(e => e.Key, e => e.Value);
        for (int l = 0; l < specification.Layers; l++)
            if (ModelLimits.CoefficientViolation(byName[$"layers.{l}.filter"]) is string why)
                throw new InvalidDataException($"{source}: layers.{l}.filter: {why}");

        var cnn = new MimoCnn(specification);
        using (no_grad())
            for (int l = 0; l < specification.Layers; l++)
            {
                using var handoutOrder = byName[$"layers.{l}.filter"].transpose(1, 2);
                cnn.Layers[l].H.copy_(handoutOrder);
            }
        return cnn;
    }

    /// <summary>The network a state_dict's names and shapes describe, checked against <see cref="ModelLimits"/>.</summary>
    private static CnnSpecification Architecture(IReadOnlyList<(string Name, long[] Shape)> entries, TanhPlacement tanh, string source)
    {
        var byLayer = new SortedDictionary<int, long[]>();
        foreach (var (name, shape) in entries)
        {
            var match = LayerKey().Match(name);
            if (!match.Success || !int.TryParse(match.Groups[1].ValueSpan, out int l))
                throw new InvalidDataException(
                    $"{source}: an entry '{Quoted.Escape(name)}'; the handout's MIMO_CNN has only layers.0.filter, layers.1.filter, …");
            if (shape.Length != 3)
                throw new InvalidDataException($"{source}: {name} has shape [{string.Join(", ", shape)}], expected [K, G, F] (taps, outputs, inputs)");
            byLayer[l] = shape;
        }
        if (byLayer.Count == 0) throw new InvalidDataException($"{source}: no layers.N.filter entries, so not the handout's MIMO_CNN");
        int L = byLayer.Count;
        if (byLayer.Keys.Last() != L - 1)
            throw new InvalidDataException($"{source}: layers {string.Join(", ", byLayer.Keys)}; expected layers 0 to {L - 1} without gaps");

        // Layer l is [K_l, F_{l+1}, F_l] in the handout's order: its inputs are the previous layer's outputs.
        var taps = new long[L];
        var features = new long[L + 1];
        features[0] = byLayer[0][2];
        for (int l = 0; l < L; l++)
        {
            var shape = byLayer[l];
            if (shape[2] != features[l])
                throw new InvalidDataException(
                    $"{source}: layers.{l}.filter takes {shape[2]} inputs (shape [{string.Join(", ", shape)}], [K, G, F]) but the layer before outputs {features[l]}");
            taps[l] = shape[0];
            features[l + 1] = shape[1];
        }
        var specification = new CnnSpecification(taps, features, tanh);
        if (ModelLimits.Violation(specification) is string violation)
            throw new InvalidDataException($"{source}: the state_dict describes {violation}");
        return specification;
    }

    /// <summary>
    /// Writes <paramref name="model"/> as the handout's <c>MIMO_CNN</c> state_dict, <c>torch.save</c>'s zip format:
    /// keys <c>layers.{l}.filter</c>, each <c>[K, G, F]</c> float32, so that <c>model.load_state_dict(torch.load(path))</c>
    /// on <c>MIMO_CNN(L, taps, features)</c> gives our network. Atomic, like every file the workbook writes.
    /// </summary>
    /// <remarks>
    /// TorchSharp.PyBridge's <c>save_py</c> does the pickling and the zip; what it pickles is a module with the
    /// handout's names and layout (<see cref="HandoutLayout"/>), since ours stores <c>H</c> as <c>[K, F, G]</c>.
    /// A state_dict does not say where the tanh goes: the handout's code puts it between layers.
    /// </remarks>
    public static void Write(MimoCnn model, string path)
    {
        using var layout = new HandoutLayout(model);
        AtomicFile.Write(path, stream => layout.save_py(stream, leaveOpen: true));
    }

    /// <summary>The handout's module tree: <c>layers</c>, a list of layers each holding <c>filter</c> as <c>[K, G, F]</c>.</summary>
    private sealed class HandoutLayout : nn.Module
    {
        public HandoutLayout(MimoCnn model) : base("MIMO_CNN")
        {
            var layers = new TorchSharp.Modules.ModuleList<nn.Module>();
            foreach (var layer in model.Layers) layers.Add(new HandoutLayer(layer.H));
            register_module("layers", layers);
        }
    }

    private sealed class HandoutLayer : nn.Module
    {
        public HandoutLayer(Tensor h) : base("MIMO_convolutional_layer")
        {
            using var handoutOrder = h.detach().cpu().transpose(1, 2);
            register_parameter("filter", new TorchSharp.Modules.Parameter(handoutOrder.contiguous(), requires_grad: false));
        }
    }

    /// <summary>Dotted names compared part by part, parts of digits as numbers.</summary>
    private sealed class NaturalOrder : IComparer<string?>
    {
        public static NaturalOrder Instance { get; } = new();

        public int Compare(string? x, string? y)
        {
            if (x is null || y is null) return (x is null).CompareTo(y is null);
            var a = x.Split('.');
            var b = y.Split('.');
            for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                int c = long.TryParse(a[i], out long m) && long.TryParse(b[i], out long n)
                    ? m.CompareTo(n)
                    : string.CompareOrdinal(a[i], b[i]);
                if (c != 0) return c;
            }
            return a.Length.CompareTo(b.Length);
        }
    }

    [GeneratedRegex(@"^layers\.(\d+)\.filter$")]
    private static partial Regex LayerKey();

    /// <summary>The tensor a pickled view describes: <c>storage[offset + Σ i_d·stride_d]</c>, copied out. The view was
    /// checked against the storage's claimed size (<see cref="TensorReference.LiesWithinStorage"/>), which is the size read.</summary>
    private static Tensor View(float[] storage, TensorReference t)
    {
        if (t.Size.Contains(0)) return zeros(t.Size);
        using var flat = tensor(storage);
        using var view = flat.as_strided(t.Size, t.Stride, t.Offset);
        return view.contiguous();
    }
}
