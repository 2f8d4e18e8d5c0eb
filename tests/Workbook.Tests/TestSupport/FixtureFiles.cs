namespace Workbook.Tests;

/// <summary>The test's files: real PyTorch fixtures next to the test assembly, and a scratch folder per test class.</summary>
internal static class FixtureFiles
{
    /// <summary>The full path of a file in the copied <c>Fixtures</c> folder.</summary>
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>A new empty folder under the system temp folder, named <paramref name="prefix"/> and a GUID; the caller deletes it.</summary>
    public static string NewScratchFolder(string prefix = "workbook-tests-")
    {
        string folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}

/// <summary>A scratch folder that deletes itself: <c>using var scratch = new ScratchFolder();</c>, or a test class's
/// field disposed with the class. It stands for its path where a string is wanted.</summary>
internal sealed class ScratchFolder(string prefix = "workbook-tests-") : IDisposable
{
    public string Root { get; } = FixtureFiles.NewScratchFolder(prefix);

    public static implicit operator string(ScratchFolder folder) => folder.Root;

    public string File(string name) => System.IO.Path.Combine(Root, name);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
    }
}
