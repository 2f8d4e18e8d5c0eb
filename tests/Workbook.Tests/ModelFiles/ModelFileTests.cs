using Workbook.Data;
using Workbook.Networks;
using Workbook.Training;
using System.Runtime.InteropServices;
using static TorchSharp.torch;
using Workbook.Files;
using Workbook.ModelFiles;

namespace Workbook.Tests.ModelFiles;

public sealed class ModelFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("modelfile-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string existing, string newName);

    [Fact]
    public void A_saved_model_loads_with_its_architecture_and_gives_the_same_output()
    {
        var spec = new CnnSpecification(new long[] { 5, 3, 2 }, new long[] { 1, 4, 2, 1 }, TanhPlacement.AfterEveryLayer);
        using var model = new MimoCnn(spec);
        string path = Path.Combine(folder, "model.cnn");
        ModelFile.Save(model, path, 16000, "test model");
        var (loaded, header) = ModelFile.Load(path);
        using var _ = loaded;
        Assert.Equal(spec, loaded.Specification);
        Assert.Equal(16000, header.SampleRate);
        Assert.Equal("test model", header.Description);
        var x = randn(2, 1, 100);
        using (no_grad()) TensorAssert.Close(model.call(x), loaded.call(x), 0);
    }

    [Fact]
    public void A_save_replaces_the_file_whole_so_a_reader_of_the_old_one_keeps_it_whole()
    {
        // A second name (a hard link) for the previous model shares its bytes on disk: a save that wrote into the target
        // would change them under the reader; a save that writes a new file and renames it over the target cannot.
        string path = Path.Combine(folder, "model.cnn"), reader = Path.Combine(folder, "reader.cnn");
        using var previous = new MimoCnn(CnnSpecification.LabDenoiser);
        ModelFile.Save(previous, path, 16000, "previous");
        var previousBytes = File.ReadAllBytes(path);
        Assert.True(link(path, reader) == 0, $"link failed ({Marshal.GetLastPInvokeError()})");
        long before = FileIdentity.Of(path)!.Value.Inode;

        manual_seed(7);
        using var next = new MimoCnn(CnnSpecification.LabDenoiser);
        ModelFile.Save(next, path, 16000, "next");
        Assert.Equal(previousBytes, File.ReadAllBytes(reader));
        Assert.NotEqual(before, FileIdentity.Of(path)!.Value.Inode);   // a new file took the name
        Assert.Equal("next", ModelFile.Load(path).Header.Description);
        Assert.Equal(new[] { path, reader }.Order(), Directory.GetFiles(folder).Order());
    }

    [Fact]
    public void Corrupt_and_truncated_files_are_named_errors()
    {
        string path = Path.Combine(folder, "model.cnn");
        File.WriteAllText(path, "not a model at all");
        Assert.Contains("is not a workbook model file", Assert.Throws<InvalidDataException>(() => ModelFile.Load(path)).Message);

        using var model = new MimoCnn(CnnSpecification.LabDenoiser);
        ModelFile.Save(model, path, 16000);
        var bytes = File.ReadAllBytes(path);
        foreach (int cut in new[] { 14, 40, bytes.Length / 2, bytes.Length - 3 })
        {
            File.WriteAllBytes(path, bytes[..cut]);
            var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));
            Assert.Contains("truncated", e.Message);
        }
        Assert.Throws<FileNotFoundException>(() => ModelFile.Load(Path.Combine(folder, "missing.cnn")));
    }
}

/// <summary>
/// A save that fails midway, made to fail the way a full disk does: the file-size limit (RLIMIT_FSIZE) is lowered below
/// the model's size, so the kernel refuses the write once the limit is reached (EFBIG; SIGXFSZ ignored). The limit
/// holds for the whole test process, so these tests run alone (a collection that is never run in parallel).
/// </summary>
[Collection(FileSizeLimitCollection.Name)]
public sealed class ModelFileFailedWriteTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("modelfile-limit-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [SkippableFact]
    public void A_save_that_fails_midway_leaves_the_previous_model_and_no_temporary_file()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "RLIMIT_FSIZE and SIGXFSZ as used here are Linux's");
        string path = Path.Combine(folder, "model.cnn");
        using (var previous = new MimoCnn(CnnSpecification.LabDenoiser)) ModelFile.Save(previous, path, 16000, "previous");
        var previousBytes = File.ReadAllBytes(path);

        // 131072 coefficients: 512 kB, four times the limit.
        using var large = new MimoCnn(new CnnSpecification(new long[] { 256, 256 }, new long[] { 1, 256, 1 }, TanhPlacement.BetweenLayers));
        var e = Assert.Throws<IOException>(() => FileSizeLimit.While(128 * 1024, () => ModelFile.Save(large, path, 16000, "large")));
        Assert.Contains("too large", e.Message, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(previousBytes, File.ReadAllBytes(path));
        Assert.Equal("previous", ModelFile.Load(path).Header.Description);
        Assert.Equal(new[] { path }, Directory.GetFiles(folder));   // no temporary file
        ModelFile.Save(large, path, 16000, "large");                // and with room, the same save succeeds
        Assert.Equal("large", ModelFile.Load(path).Header.Description);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FileSizeLimitCollection
{
    public const string Name = "File-size limit (runs alone)";
}

/// <summary>Lowers this process's file-size limit for the length of one action (Linux).</summary>
internal static class FileSizeLimit
{
    private const int RlimitFsize = 1, Sigxfsz = 25;
    private static readonly IntPtr Ignore = 1;   // SIG_IGN

    [StructLayout(LayoutKind.Sequential)]
    private struct Limit { public ulong Current, Maximum; }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out Limit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, ref Limit limit);

    [DllImport("libc")]
    private static extern IntPtr signal(int number, IntPtr handler);

    public static void While(ulong bytes, Action action)
    {
        if (getrlimit(RlimitFsize, out var saved) != 0) throw new InvalidOperationException($"getrlimit failed ({Marshal.GetLastPInvokeError()})");
        IntPtr previousHandler = signal(Sigxfsz, Ignore);
        try
        {
            var lowered = new Limit { Current = bytes, Maximum = saved.Maximum };
            if (setrlimit(RlimitFsize, ref lowered) != 0)
                throw new InvalidOperationException($"setrlimit failed ({Marshal.GetLastPInvokeError()})");
            action();
        }
        finally
        {
            setrlimit(RlimitFsize, ref saved);
            signal(Sigxfsz, previousHandler);
        }
    }
}
