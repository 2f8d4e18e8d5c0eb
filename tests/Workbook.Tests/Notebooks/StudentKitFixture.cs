using Workbook.Notebooks.Coursework;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// The student kit as <c>exercises --out</c> writes it, in a temporary folder outside the repository: packed from
/// src/Workbook.StudentKit with the expected values as committed, the notebooks, the README and the data set.
/// </summary>
public sealed class StudentKitFixture : IDisposable
{
    public StudentKitFixture()
    {
        Folder = Path.Combine(Path.GetTempPath(), $"workbook-kit-{Guid.NewGuid():N}");
        var log = new StringWriter();
        StudentKit.Write(Repository.Root, Folder, log, updateExpectedValues: false);
        Log = log.ToString();
    }

    /// <summary>The kit's folder.</summary>
    public string Folder { get; }

    /// <summary>What dotnet pack said.</summary>
    public string Log { get; }

    /// <summary>The kit's package file.</summary>
    public string Package => Directory.GetFiles(Path.Combine(Folder, StudentKit.PackagesFolder), "*.nupkg").Single();

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
