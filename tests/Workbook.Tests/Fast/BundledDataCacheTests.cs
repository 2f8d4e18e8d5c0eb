using System.Runtime.InteropServices;
using Workbook.Data;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Tests.Fast;

/// <summary>The bundled set decoded once, without any cache: what every cached load must equal bit for bit.</summary>
public sealed class FreshlyDecodedSet : IDisposable
{
    public FreshlyDecodedSet()
    {
        Directory = BundledDataSet.FindDirectory();
        Clips = BundledDataSet.Decode(Directory);
    }

    public string Directory { get; }
    public PairedClips Clips { get; }

    public void Dispose() => Clips.Dispose();
}

/// <summary>
/// <see cref="BundledDataCache"/>: a cached load is the decoded set bit for bit, the file is really what a hit
/// returns, and a damaged, truncated or stale file is never trusted but decoded afresh and rewritten.
/// </summary>
public class BundledDataCacheTests(FreshlyDecodedSet fresh) : IClassFixture<FreshlyDecodedSet>, IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"workbook-cache-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void A_cached_load_equals_a_fresh_decode_bit_for_bit()
    {
        var cache = new BundledDataCache(folder);
        using (var first = BundledDataSet.Load(fresh.Directory, cache)) AssertIdentical(fresh.Clips, first);
        string file = Assert.Single(Directory.GetFiles(folder));
        Assert.Equal(cache.PathFor(fresh.Directory), file);
        var written = File.GetLastWriteTimeUtc(file);

        using var second = BundledDataSet.Load(fresh.Directory, cache);
        AssertIdentical(fresh.Clips, second);
        Assert.Equal(written, File.GetLastWriteTimeUtc(file));   // read, not rewritten
    }

    [Fact]
    public void A_hit_returns_what_the_file_holds()
    {
        // Proof that the cache is read at all: a file written under the set's key with other samples is what Load returns.
        var cache = new BundledDataCache(folder);
        byte[] key = BundledDataCache.TryKeyOf(fresh.Directory)!;
        using var halved = new PairedClips(fresh.Clips.Names, fresh.Clips.Noisy * 0.5f, fresh.Clips.Clean, fresh.Clips.SampleRate, fresh.Clips.Source);
        Assert.True(cache.TryWrite(cache.PathFor(key), key, halved));
        using var loaded = BundledDataSet.Load(fresh.Directory, cache);
        AssertIdentical(halved, loaded);
    }

    [Theory]
    [InlineData("a flipped bit in the samples")]
    [InlineData("a flipped bit in the names")]
    [InlineData("cut short")]
    [InlineData("empty")]
    [InlineData("another file's bytes")]
    public void A_damaged_cache_file_is_decoded_afresh_and_rewritten(string damage)
    {
        var cache = new BundledDataCache(folder);
        BundledDataSet.Load(fresh.Directory, cache).Dispose();
        string file = cache.PathFor(fresh.Directory);
        byte[] bytes = File.ReadAllBytes(file);
        switch (damage)
        {
            case "a flipped bit in the samples": bytes[bytes.Length / 2] ^= 0x10; break;
            case "a flipped bit in the names": bytes[200] ^= 0x01; break;
            case "cut short": bytes = bytes[..(bytes.Length - 1000)]; break;
            case "empty": bytes = []; break;
            case "another file's bytes": bytes = File.ReadAllBytes(Path.Combine(fresh.Directory, BundledManifest.FileName)); break;
        }
        File.WriteAllBytes(file, bytes);
        Assert.Null(BundledDataCache.TryRead(file, BundledDataCache.TryKeyOf(fresh.Directory)!));

        using var loaded = BundledDataSet.Load(fresh.Directory, cache);
        AssertIdentical(fresh.Clips, loaded);
        using var rewritten = BundledDataCache.TryRead(file, BundledDataCache.TryKeyOf(fresh.Directory)!);
        Assert.NotNull(rewritten);
        AssertIdentical(fresh.Clips, rewritten);
    }

    [Fact]
    public void A_changed_data_set_is_decoded_again_not_taken_from_the_cache()
    {
        using var copy = new DataSetCopy(fresh.Directory);
        var cache = new BundledDataCache(folder);
        BundledDataSet.Load(copy.Path, cache).Dispose();
        byte[] before = BundledDataCache.TryKeyOf(copy.Path)!;

        // Clip 0's SNR edited in the manifest: its noisy clip changes, and the cached one is stale.
        string manifest = Path.Combine(copy.Path, BundledManifest.FileName);
        string text = File.ReadAllText(manifest);
        int at = text.IndexOf("\"snrDb\": ", StringComparison.Ordinal);
        int end = text.IndexOf(',', at);
        File.WriteAllText(manifest, text[..at] + "\"snrDb\": 7.5" + text[end..]);
        Assert.False(before.AsSpan().SequenceEqual(BundledDataCache.TryKeyOf(copy.Path)));

        using var loaded = BundledDataSet.Load(copy.Path, cache);
        using var decoded = BundledDataSet.Decode(copy.Path);
        AssertIdentical(decoded, loaded);
        Assert.False(loaded.Noisy[0].equal(fresh.Clips.Noisy[0]).all().item<bool>(), "clip 0 kept its old noise");
        Assert.Equal(2, Directory.GetFiles(folder).Length);   // the stale file is left for pruning, never read for this set
    }

    [Fact]
    public void The_key_covers_every_clean_file_and_the_manifest()
    {
        using var copy = new DataSetCopy(fresh.Directory);
        byte[] original = BundledDataCache.TryKeyOf(copy.Path)!;
        Assert.Equal(original, BundledDataCache.TryKeyOf(copy.Path));   // stable
        string clip = Path.Combine(copy.Path, "clean", "0123.wav");
        byte[] bytes = File.ReadAllBytes(clip);
        bytes[^1] ^= 1;                                                     // the last sample's low bit: same size, same name
        File.WriteAllBytes(clip, bytes);
        Assert.NotEqual(original, BundledDataCache.TryKeyOf(copy.Path));
    }

    [Fact]
    public void An_unusable_cache_folder_costs_only_the_decoding()
    {
        File.WriteAllText(folder, "a file where the cache folder should be");
        try
        {
            using var loaded = BundledDataSet.Load(fresh.Directory, new BundledDataCache(folder));
            AssertIdentical(fresh.Clips, loaded);
        }
        finally { File.Delete(folder); }
    }

    [Fact]
    public void The_folder_keeps_only_the_newest_files()
    {
        var cache = new BundledDataCache(folder);
        Directory.CreateDirectory(folder);
        for (int i = 0; i < BundledDataCache.FilesKept + 2; i++)
        {
            string old = Path.Combine(folder, $"bundled-{i:D32}.decoded");
            File.WriteAllText(old, "old");
            File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddDays(-10 + i));
        }
        BundledDataSet.Load(fresh.Directory, cache).Dispose();
        var left = Directory.GetFiles(folder).Select(Path.GetFileName).ToHashSet();
        Assert.Equal(BundledDataCache.FilesKept, left.Count);
        Assert.Contains(Path.GetFileName(cache.PathFor(fresh.Directory)), left);
        Assert.Contains($"bundled-{BundledDataCache.FilesKept + 1:D32}.decoded", left);   // the newest old ones stay
        Assert.DoesNotContain($"bundled-{0:D32}.decoded", left);
    }

    [Fact]
    public void A_manifest_may_name_clip_files_only_in_its_clean_folder()
    {
        using var copy = new DataSetCopy(fresh.Directory);
        string manifest = Path.Combine(copy.Path, BundledManifest.FileName);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"file\": \"clean/0005.wav\"", "\"file\": \"clean/../../0005.wav\""));
        var error = Assert.Throws<InvalidDataException>(() => BundledDataSet.Load(copy.Path, new BundledDataCache(folder)));
        Assert.Contains("clip 0005", error.Message);
        Assert.Contains("clean/", error.Message);
        Assert.True(BundledManifest.IsInCleanFolder("clean/0005.wav"));
        foreach (string bad in new[] { "clean/", "clean/..", "clean/a/b.wav", "/etc/passwd", "0005.wav", "clean\\0005.wav" })
            Assert.False(BundledManifest.IsInCleanFolder(bad), bad);
    }

    [Fact]
    public async Task A_load_takes_the_read_ahead_of_its_set_and_folder()
    {
        // The read-ahead reads a file with halved samples; the file is then removed. The load returns what the
        // read-ahead read, so it used that result instead of reading again.
        var cache = new BundledDataCache(folder);
        byte[] key = BundledDataCache.TryKeyOf(fresh.Directory)!;
        using var halved = new PairedClips(fresh.Clips.Names, fresh.Clips.Noisy * 0.5f, fresh.Clips.Clean, fresh.Clips.SampleRate, fresh.Clips.Source);
        Assert.True(cache.TryWrite(cache.PathFor(key), key, halved));
        await cache.StartReadAhead(fresh.Directory);
        File.Delete(cache.PathFor(key));
        using (var loaded = BundledDataSet.Load(fresh.Directory, cache)) AssertIdentical(halved, loaded);

        // Taken once: the next load reads for itself, finds no file, decodes and writes one.
        using (var again = BundledDataSet.Load(fresh.Directory, cache)) AssertIdentical(fresh.Clips, again);
        Assert.True(File.Exists(cache.PathFor(key)));
    }

    [Fact]
    public void A_read_ahead_without_a_cache_file_or_with_a_damaged_one_still_loads_the_decoded_set()
    {
        var cache = new BundledDataCache(folder);
        cache.StartReadAhead(fresh.Directory);
        using (var decoded = BundledDataSet.Load(fresh.Directory, cache)) AssertIdentical(fresh.Clips, decoded);
        string file = cache.PathFor(fresh.Directory);
        byte[] bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(file, bytes);

        cache.StartReadAhead(fresh.Directory);
        using (var loaded = BundledDataSet.Load(fresh.Directory, cache)) AssertIdentical(fresh.Clips, loaded);
        using var rewritten = BundledDataCache.TryRead(file, BundledDataCache.TryKeyOf(fresh.Directory)!);
        AssertIdentical(fresh.Clips, rewritten);
    }

    [Fact]
    public void A_read_ahead_for_another_cache_folder_is_left_alone()
    {
        var elsewhere = new BundledDataCache(Path.Combine(folder, "elsewhere"));
        var cache = new BundledDataCache(folder);
        byte[] key = BundledDataCache.TryKeyOf(fresh.Directory)!;
        using var halved = new PairedClips(fresh.Clips.Names, fresh.Clips.Noisy * 0.5f, fresh.Clips.Clean, fresh.Clips.SampleRate, fresh.Clips.Source);
        Assert.True(cache.TryWrite(cache.PathFor(key), key, halved));
        elsewhere.StartReadAhead(fresh.Directory);   // no file there
        using var loaded = BundledDataSet.Load(fresh.Directory, cache);
        AssertIdentical(halved, loaded);             // this folder's file, not the other folder's (absent) one
    }

    private static void AssertIdentical(PairedClips expected, PairedClips? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Names, actual.Names);
        Assert.Equal(expected.SampleRate, actual.SampleRate);
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.Noisy.shape, actual.Noisy.shape);
        foreach (var (a, b) in new[] { (expected.Noisy, actual.Noisy), (expected.Clean, actual.Clean) })
        {
            // Bits, not values: a cache that turned −0 into 0 or changed a NaN's payload would still fail.
            var x = MemoryMarshal.AsBytes(a.data<float>().ToArray().AsSpan()).ToArray();
            var y = MemoryMarshal.AsBytes(b.data<float>().ToArray().AsSpan()).ToArray();
            Assert.True(x.AsSpan().SequenceEqual(y), "the samples differ");
        }
    }

    /// <summary>A throw-away copy of the data set to change.</summary>
    private sealed class DataSetCopy : IDisposable
    {
        public DataSetCopy(string source)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"bundled-cache-copy-{Guid.NewGuid():N}");
            Directory.CreateDirectory(System.IO.Path.Combine(Path, "clean"));
            File.Copy(System.IO.Path.Combine(source, BundledManifest.FileName), System.IO.Path.Combine(Path, BundledManifest.FileName));
            foreach (string file in Directory.GetFiles(System.IO.Path.Combine(source, "clean")))
                File.Copy(file, System.IO.Path.Combine(Path, "clean", System.IO.Path.GetFileName(file)));
        }

        public string Path { get; }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
