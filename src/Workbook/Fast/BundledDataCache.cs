using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using static TorchSharp.torch;
using Workbook.Files;
using Workbook.Data;

namespace Workbook.Fast;

/// <summary>
/// The bundled data set, decoded once and kept in a file. Decoding means reading 300 WAV files, checking them
/// against the manifest and regenerating five kinds of noise from their seeds: about a second of a 2-core machine's
/// start-up, every time a process loads the set. Reading the decoded samples back costs tens of milliseconds.
/// </summary>
/// <remarks>
/// <para><b>Never trusted, only recognised.</b> A cache file is named after its key, the SHA-256 of everything the
/// decoded set depends on: the manifest's bytes, the bytes of every file under <c>clean/</c>, and the library that
/// decodes them (its module version id, which a deterministic build changes exactly when the code changes). A
/// source file edited, replaced or touched by another build gives another key, so a stale file is never even
/// opened. The file then carries a SHA-256 of its own content: a truncated, damaged or foreign file fails that check
/// (or an earlier one: magic, version, key, sizes against the file's length) and is decoded afresh and rewritten.</para>
/// <para><b>Best effort.</b> A cache that cannot be read or written (no home folder, a read-only or full disk) costs
/// only the decoding time; it is never an error. Files are written with <see cref="AtomicFile"/>, so a reader sees
/// a complete file or none, and two processes decoding at once each write the same bytes.</para>
/// <para>The folder is <c>$WORKBOOK_CACHE</c> if set (<c>off</c> turns caching off), else
/// <c>$XDG_CACHE_HOME/workbook</c>, else <c>~/.cache/workbook</c>. It keeps the <see cref="FilesKept"/> newest
/// files (about 38 MB each) and removes older ones, so rebuilt libraries do not fill the disk.</para>
/// </remarks>
public sealed class BundledDataCache
{
    /// <summary>The environment variable naming the cache folder; the value <c>off</c> turns the cache off.</summary>
    public const string DirectoryVariable = "WORKBOOK_CACHE";

    /// <summary>How many cache files the folder keeps (newest first); each holds one decoded set.</summary>
    public const int FilesKept = 4;

    private const string FilePrefix = "bundled-", FileExtension = ".decoded";
    private static ReadOnlySpan<byte> Magic => "workbook decoded data set\n"u8;
    private const int FormatVersion = 1;
    private const int HashLength = 32;

    /// <param name="folder">where the cache files go; created when the first one is written</param>
    public BundledDataCache(string folder) => Folder = Path.GetFullPath(folder);

    public string Folder { get; }

    /// <summary>The cache the workbook uses: see the remarks; null when caching is off or no folder can be named.</summary>
    public static BundledDataCache? Default
    {
        get
        {
            string? chosen = Environment.GetEnvironmentVariable(DirectoryVariable);
            if (string.Equals(chosen, "off", StringComparison.OrdinalIgnoreCase)) return null;
            if (!string.IsNullOrWhiteSpace(chosen)) return new BundledDataCache(chosen);
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)) return new BundledDataCache(Path.Combine(xdg, "workbook"));
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return string.IsNullOrEmpty(home) ? null : new BundledDataCache(Path.Combine(home, ".cache", "workbook"));
        }
    }

    /// <summary>
    /// The set in <paramref name="dataDirectory"/> from its cache file when one with the current key is intact,
    /// else from <paramref name="decode"/>, whose result is then written to the cache.
    /// </summary>
    public PairedClips Load(string dataDirectory, Func<PairedClips> decode)
    {
        ArgumentNullException.ThrowIfNull(decode);
        var file = TakeReadAhead(dataDirectory) ?? Read(dataDirectory);
        if (file == null) return decode();
        if (file.Bytes is { } bytes && Parse(bytes, file.Key) is { } cached) return cached;
        var clips = decode();
        TryWrite(file.Path, file.Key, clips);
        return clips;
    }

    /// <summary>
    /// Starts, on a thread-pool thread, what <see cref="Load"/> does before it needs libtorch: the set's key (hashing
    /// the manifest and 300 clips), reading the cache file and checking its SHA-256, which take about as long as loading
    /// libtorch; a process that calls this before its first tensor does them while libtorch loads. The next
    /// <see cref="Load"/> of the same set from the same cache folder, on any thread, takes the result; the files are
    /// read when this is called, so a file changed between the two is seen by the next load after it, not by that one.
    /// </summary>
    /// <remarks>Returns once the other thread has made one call of each native function the work uses (the hashing
    /// library, file and folder reading): the C library binds a library's functions, and loads libraries, one at a
    /// time, so a first call made while libtorch is being loaded waits for all of it, and the read-ahead would overlap
    /// nothing.</remarks>
    /// <returns>the read-ahead, done when the file has been read and checked</returns>
    public Task StartReadAhead(string dataDirectory)
    {
        using var nativeCallsBound = new ManualResetEventSlim();
        var file = Task.Run(() =>
        {
            try
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                hash.AppendData(File.ReadAllBytes(Path.Combine(dataDirectory, BundledManifest.FileName)));
                hash.GetHashAndReset();
                SHA256.HashData(ReadOnlySpan<byte>.Empty);
                _ = Directory.EnumerateFiles(Path.Combine(dataDirectory, BundledManifest.CleanFolder)).Any();   // the folder the key lists
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // Read reports nothing either: the load decodes
            finally { nativeCallsBound.Set(); }
            return Read(dataDirectory);
        });
        nativeCallsBound.Wait();
        lock (ReadAheadGate) pendingReadAhead = new ReadAhead(Folder, dataDirectory, file);
        return file;
    }

    private static readonly object ReadAheadGate = new();
    private static ReadAhead? pendingReadAhead;

    private sealed record ReadAhead(string Folder, string DataDirectory, Task<CacheFile?> File);

    /// <summary>A set's key, its cache file's path, and the file's bytes if it exists and its SHA-256 holds (else null).</summary>
    private sealed record CacheFile(byte[] Key, string Path, byte[]? Bytes);

    /// <summary>The read-ahead of this set from this folder, if one was started and not yet taken.</summary>
    private CacheFile? TakeReadAhead(string dataDirectory)
    {
        ReadAhead? taken;
        lock (ReadAheadGate)
        {
            taken = pendingReadAhead;
            if (taken == null || taken.Folder != Folder || taken.DataDirectory != dataDirectory) return null;
            pendingReadAhead = null;
        }
        return taken.File.GetAwaiter().GetResult();
    }

    /// <summary>The key and cache file of the set in <paramref name="dataDirectory"/>; null when its files cannot be read.</summary>
    private CacheFile? Read(string dataDirectory)
    {
        byte[]? key = TryKeyOf(dataDirectory);
        if (key == null) return null;
        string path = PathFor(key);
        return new CacheFile(key, path, TryReadIntact(path));
    }

    /// <summary>The cache file for a key: the key's first 128 bits in hex name it.</summary>
    public string PathFor(byte[] key) => Path.Combine(Folder, FilePrefix + Convert.ToHexStringLower(key, 0, 16) + FileExtension);

    /// <summary>The cache file that holds (or would hold) the set in <paramref name="dataDirectory"/> as it is now.</summary>
    public string PathFor(string dataDirectory) =>
        PathFor(TryKeyOf(dataDirectory) ?? throw new IOException($"{dataDirectory}: cannot read the data set's files"));

    /// <summary>
    /// SHA-256 of the format, the decoding library's identity, the manifest and every file under <c>clean/</c> (names
    /// and bytes, in name order); null when a file cannot be read (decoding then reports the problem properly).
    /// </summary>
    public static byte[]? TryKeyOf(string dataDirectory)
    {
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            void AddText(string text)
            {
                byte[] bytes = Encoding.UTF8.GetBytes(text);
                Span<byte> length = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
                hash.AppendData(length);
                hash.AppendData(bytes);
            }
            void AddFile(string path)
            {
                byte[] bytes = File.ReadAllBytes(path);
                AddText(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
                hash.AppendData(bytes);
            }
            AddText($"format {FormatVersion}");
            AddText(typeof(BundledDataCache).Assembly.ManifestModule.ModuleVersionId.ToString());
            AddFile(Path.Combine(dataDirectory, BundledManifest.FileName));
            string clean = Path.Combine(dataDirectory, BundledManifest.CleanFolder);
            foreach (string file in Directory.EnumerateFiles(clean).Order(StringComparer.Ordinal))
            {
                AddText(Path.GetFileName(file));
                AddFile(file);
            }
            return hash.GetHashAndReset();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The cached set at <paramref name="path"/> if the file exists, carries <paramref name="key"/> and is intact; else null.</summary>
    public static PairedClips? TryRead(string path, byte[] key) => TryReadIntact(path) is { } bytes ? Parse(bytes, key) : null;

    /// <summary>The file's bytes if it can be read and ends with the SHA-256 of the bytes before it; else null.</summary>
    private static byte[]? TryReadIntact(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        if (bytes.Length < HashLength) return null;
        var content = bytes.AsSpan(0, bytes.Length - HashLength);
        return SHA256.HashData(content).AsSpan().SequenceEqual(bytes.AsSpan(content.Length)) ? bytes : null;
    }

    /// <summary>Writes <paramref name="clips"/> under <paramref name="key"/>; a failure leaves no file and is not an error.</summary>
    public bool TryWrite(string path, byte[] key, PairedClips clips)
    {
        try
        {
            Directory.CreateDirectory(Folder);
            AtomicFile.Write(path, stream => Serialize(stream, key, clips));
            RemoveOldFiles(keep: path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Layout: magic, version, key, sample rate, Q, N, the source and Q names (length-prefixed UTF-8), the noisy then
    /// the clean samples (Q·N float32 each, little-endian), and a SHA-256 of all bytes before it.
    /// </summary>
    private static void Serialize(Stream stream, byte[] key, PairedClips clips)
    {
        using var hashing = new HashingStream(stream);
        using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(key);
            writer.Write(clips.SampleRate);
            writer.Write(clips.Count);
            writer.Write(checked((int)clips.Length));
            writer.Write(clips.Source);
            foreach (string name in clips.Names) writer.Write(name);
            foreach (var tensor in new[] { clips.Noisy, clips.Clean })
            {
                using var onCpu = tensor.cpu();
                float[] samples = onCpu.data<float>().ToArray();
                if (!BitConverter.IsLittleEndian) throw new IOException("the cache is written little-endian only");
                writer.Write(MemoryMarshal.AsBytes(samples.AsSpan()));
            }
        }
        stream.Write(hashing.Hash());
    }

    /// <summary>The set in a cache file's <paramref name="bytes"/>, whose SHA-256 has been checked (<see cref="TryReadIntact"/>); null unless it carries <paramref name="key"/> and its sizes add up.</summary>
    private static PairedClips? Parse(byte[] bytes, byte[] key)
    {
        if (!BitConverter.IsLittleEndian || bytes.Length < Magic.Length + 4 + HashLength + 12 + HashLength) return null;
        var content = bytes.AsSpan(0, bytes.Length - HashLength);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 0, content.Length, writable: false), Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != FormatVersion) return null;
            if (!reader.ReadBytes(HashLength).AsSpan().SequenceEqual(key)) return null;
            int sampleRate = reader.ReadInt32(), count = reader.ReadInt32(), length = reader.ReadInt32();
            if (sampleRate <= 0 || count <= 0 || length <= 0) return null;
            string source = reader.ReadString();
            var names = new string[count];
            for (int q = 0; q < count; q++) names[q] = reader.ReadString();
            long sampleBytes = (long)count * length * sizeof(float);
            if (reader.BaseStream.Position + 2 * sampleBytes != content.Length) return null;
            int start = (int)reader.BaseStream.Position;
            // Straight into the tensors' memory: one copy, and no 19 MB arrays for the collector.
            var noisy = empty(count, 1, length);
            var clean = empty(count, 1, length);
            content.Slice(start, (int)sampleBytes).CopyTo(noisy.bytes);
            content.Slice(start + (int)sampleBytes, (int)sampleBytes).CopyTo(clean.bytes);
            return new PairedClips(names, noisy, clean, sampleRate, source);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or DecoderFallbackException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Keeps the <see cref="FilesKept"/> newest cache files (among them <paramref name="keep"/>), removes the rest.</summary>
    private void RemoveOldFiles(string keep)
    {
        var old = new DirectoryInfo(Folder).EnumerateFiles(FilePrefix + "*" + FileExtension)
            .Where(f => f.FullName != keep)
            .OrderByDescending(f => f.LastWriteTimeUtc)
            .Skip(FilesKept - 1);
        foreach (var file in old)
        {
            try { file.Delete(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* another process's, or already gone */ }
        }
    }

    /// <summary>Passes writes through to a stream while hashing them with SHA-256.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public byte[] Hash() => hash.GetHashAndReset();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
