using System.Buffers.Binary;
using System.Collections;
using System.IO.Compression;
using System.Text;
using Workbook.Data;
using Workbook.Files;

namespace Workbook.TorchFiles;

/// <summary>
/// Reads the course's data file (<c>dataB.pt</c>): what Python's <c>torch.save(data, path)</c> writes for
/// <c>data</c>, a list of <c>(x, y)</c> tuples of float32 tensors of shape <c>[1, N]</c> (x noisy, y clean).
/// </summary>
/// <remarks>
/// <para>A .pt file is a pickle (the object structure) plus the tensors' raw bytes ("storages"), in one of two layouts:</para>
/// <list type="bullet">
/// <item><b>zip</b> (PyTorch ≥ 1.6): entries <c>&lt;archive&gt;/data.pkl</c> and <c>&lt;archive&gt;/data/&lt;key&gt;</c>,
/// plus <c>byteorder</c> and <c>.format_version</c> in PyTorch 2; the archive folder's name varies.</item>
/// <item><b>legacy</b>: five pickles in a row (magic number, protocol version, system info, the object, the list of
/// storage keys), then each storage as an int64 element count followed by its raw bytes.</item>
/// </list>
/// <para>A pickle can name any Python function, so every name in the file is checked against the few a file of
/// tensors needs before anything is built (<see cref="PickleScanner"/>, <see cref="TorchUnpickler.AllowedGlobals"/>).</para>
/// </remarks>
public static class CoursePairsFile
{
    /// <summary>The bytes a legacy .pt file starts with: pickle protocol 2, then the magic number.</summary>
    private static readonly byte[] PickleProtocol2 = [0x80, 0x02];

    /// <summary>The bytes every zip archive starts with ("PK\x03\x04").</summary>
    private static readonly byte[] ZipMagic = [0x50, 0x4B, 0x03, 0x04];

    /// <summary>
    /// Reads the pairs from <paramref name="path"/>: x into <see cref="PairedClips.Noisy"/>, y into
    /// <see cref="PairedClips.Clean"/>, both <c>[Q, 1, N]</c> float32, named "pair 0", "pair 1", … at 16 kHz.
    /// </summary>
    /// <exception cref="FileNotFoundException">no file at <paramref name="path"/></exception>
    /// <exception cref="InvalidDataException">the file is not a readable list of (x, y) float32 [1, N] tensor pairs;
    /// the message names the file, the pair and what is wrong</exception>
    public static PairedClips Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no course data file at {path}", path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        try
        {
            Span<byte> start = stackalloc byte[4];
            int read = file.ReadAtLeast(start, 4, throwOnEndOfStream: false);
            file.Position = 0;
            if (read == 4 && start.SequenceEqual(ZipMagic)) return ReadZip(file, path);
            if (read >= 2 && start[..2].SequenceEqual(PickleProtocol2)) return ReadLegacy(file, path);
            throw new InvalidDataException(
                $"{path}: not a PyTorch file: it starts with neither a zip header nor a pickle (first bytes {Convert.ToHexString(start[..read])})");
        }
        catch (Exception e) when (TorchSaveFormat.IsDamage(e) && !e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            // Corrupt bytes surface deep inside the zip reader or the unpickler as all sorts of exceptions;
            // the reader of the message needs to know which file and that it is damaged, not where it broke.
            throw new InvalidDataException($"{path}: not a readable PyTorch file ({e.GetType().Name}: {e.Message})", e);
        }
    }

    private static PairedClips ReadZip(FileStream file, string path)
    {
        using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        var (pickleEntry, archive) = TorchSaveFormat.FindPickle(zip, path);
        string shownArchive = Quoted.Escape(archive);

        bool bigEndian = TorchSaveFormat.IsBigEndian(zip, archive, path);
        object root = TorchSaveFormat.UnpickleEntry(zip, pickleEntry, archive, path);
        var pairs = Interpret(root, path);

        // Every storage is checked against its entry before anything is allocated for the samples.
        foreach (var storage in DistinctStorages(pairs))
        {
            var entry = zip.GetEntry($"{archive}/data/{storage.Key}")
                ?? throw new InvalidDataException($"{path}: storage {storage.Key} is missing (no entry {shownArchive}/data/{storage.Key})");
            long expected = storage.ElementCount * sizeof(float);
            if (entry.Length != expected)
                throw new InvalidDataException(
                    $"{path}: storage {storage.Key} has {entry.Length} bytes, expected {expected} ({storage.ElementCount} float32 values)");
            TorchSaveFormat.RequirePlausibleInflation(entry, storage.Key, path);
        }
        return Assemble(pairs, path, fill =>
        {
            foreach (var storage in fill.Storages)
            {
                var entry = zip.GetEntry($"{archive}/data/{storage.Key}")!;
                using var data = entry.Open();
                var values = ReadStorage(data, storage, bigEndian, fill, path, out uint crc);
                if (data.ReadByte() >= 0)
                    throw new InvalidDataException($"{path}: storage {storage.Key} holds more bytes than its zip entry declares ({entry.Length})");
                if (crc != entry.Crc32)
                    throw new InvalidDataException($"{path}: storage {storage.Key}, the data of {fill.Users(storage)}, is corrupt (its zip CRC-32 does not match)");
                fill.Scatter(storage, values);
            }
        });
    }

    /// <summary>Each storage some tensor of <paramref name="pairs"/> views, once.</summary>
    /// <exception cref="InvalidDataException">two tensors describe one storage differently (the smaller claim would pass
    /// the size checks and the larger be read)</exception>
    private static IEnumerable<StorageReference> DistinctStorages(List<(TensorReference X, TensorReference Y)> pairs)
    {
        var byKey = new Dictionary<string, StorageReference>();
        foreach (var storage in pairs.SelectMany(p => new[] { p.X.Storage, p.Y.Storage }))
        {
            if (!byKey.TryGetValue(storage.Key, out var first)) byKey[storage.Key] = storage;
            else if (first != storage)
                throw new InvalidDataException($"storage {storage.Key} is described twice, as {first.ElementCount} and as {storage.ElementCount} elements of {storage.DType}");
        }
        return byKey.Values;
    }

    private static PairedClips ReadLegacy(FileStream file, string path)
    {
        // The first three pickles are a magic number, a protocol version and a dictionary describing the writer.
        // A pickle here cannot inflate: it may take at most the bytes the file has left.
        for (int header = 0; header < 3; header++) TorchSaveFormat.Unpickle(file, path, file.Length - file.Position);
        // (sys_info's little_endian flag: every machine PyTorch's legacy format was written on in practice is little-endian.)
        object root = TorchSaveFormat.Unpickle(file, path, file.Length - file.Position);
        var pairs = Interpret(root, path);
        if (TorchSaveFormat.Unpickle(file, path, file.Length - file.Position) is not ArrayList keyList || keyList.Cast<object>().Any(k => k is not string))
            throw new InvalidDataException($"{path}: the legacy storage key list is not a list of strings");
        // The storages follow in key-list order (an int64 count, then the values): each claimed size must fit in the
        // bytes left, checked before anything is allocated for the samples.
        var claims = DistinctStorages(pairs).ToDictionary(s => s.Key);
        long end = file.Position;
        foreach (string key in keyList)
        {
            var claim = claims.GetValueOrDefault(key);
            end += 8 + (claim is null ? 0 : claim.ElementCount * sizeof(float));
            if (claim != null && end > file.Length)
            {
                string users = string.Join(", ", pairs.SelectMany((p, q) => new[] { (p.X, $"x of pair {q}"), (p.Y, $"y of pair {q}") })
                    .Where(t => t.Item1.Storage.Key == key).Select(t => t.Item2).Take(4));
                throw new InvalidDataException($"{path}: the file ends inside storage {key}, the data of {users}: it is truncated (or claims more than it holds)");
            }
        }
        return Assemble(pairs, path, fill =>
        {
            var wanted = fill.Storages.ToDictionary(s => s.Key);
            // The storages follow the key list in its order, each as an int64 element count and raw bytes.
            Span<byte> countBytes = stackalloc byte[8];
            foreach (string key in keyList)
            {
                file.ReadExactly(countBytes);
                long count = BinaryPrimitives.ReadInt64LittleEndian(countBytes);
                if (!wanted.Remove(key, out var storage))
                {
                    // A storage no pair uses (or not of a known size): skip it. Its element size is unknown here,
                    // which is fine only because a list of float32 tensors holds float32 storages only. A count below zero
                    // would step back into data already read, one beyond the file's end overflow or seek past it: damage.
                    long left = file.Length - file.Position;
                    if (count < 0 || count > left / sizeof(float))
                        throw new InvalidDataException($"{path}: storage {key}, which no pair uses, claims {count} elements but {left} bytes are left");
                    file.Seek(count * sizeof(float), SeekOrigin.Current);
                    continue;
                }
                if (count != storage.ElementCount)
                    throw new InvalidDataException($"{path}: storage {key} holds {count} elements but the pickle says {storage.ElementCount}");
                fill.Scatter(storage, ReadStorage(file, storage, bigEndian: false, fill, path, out _));
            }
            if (wanted.Count > 0)
                throw new InvalidDataException($"{path}: storage {wanted.Keys.First()} is used by a tensor but not in the file");
        });
    }

    /// <summary>Checks that the unpickled object is a list of (x, y) pairs of float32 <c>[1, N]</c> tensors of one length N.</summary>
    private static List<(TensorReference X, TensorReference Y)> Interpret(object root, string path)
    {
        if (root is not ArrayList list)
            throw new InvalidDataException($"{path}: holds {PythonNames.Describe(root)}, expected a list of (x, y) tensor pairs");
        if (list.Count == 0) throw new InvalidDataException($"{path}: holds an empty list, expected (x, y) tensor pairs");
        var pairs = new List<(TensorReference, TensorReference)>(list.Count);
        long length = -1;
        for (int q = 0; q < list.Count; q++)
        {
            if (list[q] is not object[] { Length: 2 } pair)
                throw new InvalidDataException($"{path}: pair {q} is {PythonNames.Describe(list[q])}, expected a tuple (x, y) of two tensors");
            var x = CheckClip(pair[0], "x", q, path);
            var y = CheckClip(pair[1], "y", q, path);
            if (x.Size[1] != y.Size[1])
                throw new InvalidDataException($"{path}: pair {q}: x has {x.Size[1]} samples but y has {y.Size[1]}; x and y must be equally long");
            if (length >= 0 && x.Size[1] != length)
                throw new InvalidDataException(
                    $"{path}: pair {q} has {x.Size[1]} samples but pair 0 has {length}; all pairs must be equally long");
            length = x.Size[1];
            pairs.Add((x, y));
        }
        return pairs;
    }

    private static TensorReference CheckClip(object? value, string name, int q, string path)
    {
        if (value is not TensorReference t)
            throw new InvalidDataException($"{path}: pair {q}: {name} is {PythonNames.Describe(value)}, expected a tensor");
        if (t.Storage.TypeName != "torch.FloatStorage")
            throw new InvalidDataException($"{path}: pair {q}: {name} has dtype {t.Storage.DType}; only float32 tensors are supported");
        if (t.Size.Length != 2 || t.Size[0] != 1)
            throw new InvalidDataException($"{path}: pair {q}: {name} has shape [{string.Join(", ", t.Size)}], expected [1, N]");
        if (t.Size[1] <= 0)
            throw new InvalidDataException($"{path}: pair {q}: {name} is empty");
        // The last element read is storage[offset + (N-1)·stride]; strides are never negative in PyTorch, and a stride of 0
        // (one sample repeated) would let a tiny storage claim any length: both are refused.
        if (t.Stride[1] < 1 || !t.LiesWithinStorage)
            throw new InvalidDataException(
                $"{path}: pair {q}: {name} (offset {t.Offset}, stride {t.Stride[1]}, {t.Size[1]} samples) reads outside its storage of {t.Storage.ElementCount} elements");
        return t;
    }

    /// <summary>
    /// Allocates the <c>[Q, 1, N]</c> results once and lets <paramref name="readStorages"/> stream each storage
    /// through <see cref="Destinations.Scatter"/>, so that no storage is held longer than it takes to copy it out.
    /// </summary>
    private static PairedClips Assemble(List<(TensorReference X, TensorReference Y)> pairs, string path, Action<Destinations> readStorages)
    {
        long length = pairs[0].X.Size[1];
        long total = pairs.Count * length;
        if (total > Array.MaxLength)
            throw new InvalidDataException($"{path}: {pairs.Count} pairs of {length} samples are too many for one array");
        // Memory in proportion to the file: the clips may not hold more samples than the storages they view.
        long stored = DistinctStorages(pairs).Sum(s => s.ElementCount);
        if (total > stored)
            throw new InvalidDataException($"{path}: {pairs.Count} pairs of {length} samples need {total} values per side, but the file's storages hold {stored}");
        var noisy = new float[total];
        var clean = new float[total];
        var destinations = new Destinations();
        for (int q = 0; q < pairs.Count; q++)
        {
            destinations.Add(pairs[q].X, noisy, q * length, $"x of pair {q}");
            destinations.Add(pairs[q].Y, clean, q * length, $"y of pair {q}");
        }
        readStorages(destinations);
        RequireFinite(noisy, length, "x", path);
        RequireFinite(clean, length, "y", path);
        var names = Enumerable.Range(0, pairs.Count).Select(q => $"pair {q}").ToArray();
        return new PairedClips(names,
            TorchSharp.torch.tensor(noisy, new long[] { pairs.Count, 1, length }),
            TorchSharp.torch.tensor(clean, new long[] { pairs.Count, 1, length }),
            PairedClips.LabSampleRate, path);
    }

    /// <summary>A NaN or infinite sample would only show up as a diverged first epoch: name the first one instead.</summary>
    private static void RequireFinite(float[] samples, long length, string side, string path)
    {
        for (long i = 0; i < samples.LongLength; i++)
            if (!float.IsFinite(samples[i]))
                throw new InvalidDataException(
                    $"{path}: pair {i / length}: {side} sample {i % length} is {Describe(samples[i])}; the data must be finite");
    }

    /// <summary>"NaN", "+infinity", "-infinity".</summary>
    internal static string Describe(float value) => float.IsNaN(value) ? "NaN" : value > 0 ? "+infinity" : "-infinity";

    /// <summary>Where each storage's values go: for every tensor that views it, a destination array and offset.</summary>
    private sealed class Destinations
    {
        private readonly Dictionary<string, (StorageReference Storage, List<(TensorReference Tensor, float[] Target, long Start, string Label)> Views)> byKey = [];

        /// <summary>The storages some tensor needs, each once.</summary>
        public IEnumerable<StorageReference> Storages => byKey.Values.Select(v => v.Storage);

        /// <param name="label">what the tensor is, for messages: "x of pair 3"</param>
        public void Add(TensorReference tensor, float[] target, long start, string label)
        {
            if (!byKey.TryGetValue(tensor.Storage.Key, out var entry))
                byKey[tensor.Storage.Key] = entry = (tensor.Storage, []);
            entry.Views.Add((tensor, target, start, label));
        }

        /// <summary>"x of pair 3, y of pair 3": the tensors that view <paramref name="storage"/>.</summary>
        public string Users(StorageReference storage) => string.Join(", ", byKey[storage.Key].Views.Select(v => v.Label));

        /// <summary>Copies every tensor view of <paramref name="storage"/> out of its values, reading through the stride.</summary>
        public void Scatter(StorageReference storage, float[] values)
        {
            foreach (var (tensor, target, start, _) in byKey[storage.Key].Views)
            {
                long n = tensor.Size[1], stride = tensor.Stride[1], offset = tensor.Offset;
                if (stride == 1)
                    Array.Copy(values, offset, target, start, n);
                else
                    for (long i = 0; i < n; i++) target[start + i] = values[offset + i * stride];
            }
        }
    }

    /// <summary>Reads one float32 storage, naming the pairs it belongs to if the file ends inside it.</summary>
    private static float[] ReadStorage(Stream stream, StorageReference storage, bool bigEndian, Destinations fill, string path, out uint crc)
    {
        try
        {
            return TorchSaveFormat.ReadFloats(stream, storage.ElementCount, bigEndian, out crc);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException(
                $"{path}: the file ends inside storage {storage.Key}, the data of {fill.Users(storage)}: it is truncated", e);
        }
    }
}
