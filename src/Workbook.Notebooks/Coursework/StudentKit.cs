using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbook.Coursework;

namespace Workbook.Notebooks.Coursework;

/// <summary>
/// The student kit: a folder a student can copy anywhere and run with only the .NET SDK. It holds the student versions
/// of notebooks 01–04, a README, and the library as a local NuGet package (<see cref="PackagesFolder"/>) built by
/// src/Workbook.StudentKit without any implementation of an exercise: the checks there compare with expected values
/// this repository's reference computed (<see cref="KitExpectedValues"/>). A later task that builds on an earlier
/// exercise runs on the student's own code, pasted into a cell for it (<see cref="EarlierWorkLine"/>).
/// </summary>
public static partial class StudentKit
{
    /// <summary>The package's id and version, as src/Workbook.StudentKit/Workbook.StudentKit.csproj sets them.</summary>
    public const string PackageId = "Workbook", PackageVersion = "1.0.0";

    /// <summary>The expected values' file in src/Workbook.StudentKit, which the package embeds.</summary>
    public const string ExpectedValuesFileName = "ExpectedValues.json";

    /// <summary>The kit's folder that holds the package, next to the notebooks.</summary>
    public const string PackagesFolder = "packages";

    /// <summary>The first line of a cell that holds a student's solution of an earlier notebook's exercise.</summary>
    public const string EarlierWorkLine = "// From an earlier notebook:";

    /// <summary>Notebook 05 (the improved denoiser) runs on the library's fast paths and stays with the instructor.</summary>
    public static bool InKit(string path) => KitNotebook().IsMatch(Path.GetFileName(path));

    /// <summary>The earlier exercises each notebook builds on (by its number): a filter needs the shift, a CNN the filter, training the CNN.</summary>
    private static readonly Dictionary<string, string[]> earlierWork = new(StringComparer.Ordinal)
    {
        ["02"] = ["1.1"],
        ["03"] = ["1.1", "2.1"],
        ["04"] = ["1.1", "2.1", "3.1"],
    };

    /// <summary>
    /// The kit's version of one instructor notebook: the student version (<see cref="StudentVersion.Make"/>) without its
    /// instructor-only cells, with the setup cell loading the kit's package, and, before its first exercise, the stubs
    /// of the earlier exercises it builds on, each with its check, for the student to paste their solutions over.
    /// </summary>
    /// <param name="course">every instructor notebook (path and content), where the earlier exercises are found</param>
    public static JsonObject Notebook(JsonObject instructor, string path, IReadOnlyList<(string Path, JsonObject Notebook)> course)
    {
        var student = StudentVersion.Make(instructor, path);
        var cells = student["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
        cells.RemoveAll(c => (string?)c["cell_type"] == "code" && Source(c).Trim().Length == 0);
        cells[0]["source"] = JupyterOutputs.Lines(SetupCell(Source(cells[0])));
        cells.Insert(0, Code(cells[0], "kit-package-source", PackageSourceCell));
        string number = Path.GetFileName(path)[..2];
        if (earlierWork.TryGetValue(number, out var exercises))
        {
            // Before the text that introduces the first exercise, so that the exercise's text and its cell stay together.
            int first = cells.FindIndex(c => (string?)c["cell_type"] == "code" && ExerciseMarkers.Header(Source(c)) != null);
            if (first < 0) first = cells.Count;
            while (first > 0 && (string?)cells[first - 1]["cell_type"] == "markdown") first--;
            cells.InsertRange(first, EarlierWorkCells(exercises, course));
        }
        student["cells"] = new JsonArray(cells.Select(c => (JsonNode?)c.DeepClone()).ToArray());
        return student;
    }

    /// <summary>The setup cell with the library taken from the kit's package instead of this repository's build.</summary>
    public static string SetupCell(string source)
    {
        var lines = source.Split('\n').ToList();
        int library = lines.FindIndex(l => LibraryReference().IsMatch(l));
        if (library < 0) return source;
        lines[library] = $"#r \"nuget: {PackageId}, {PackageVersion}\"";
        int comment = lines.FindIndex(l => l.TrimStart().StartsWith("//", StringComparison.Ordinal));
        if (comment >= 0)
            lines[comment] = "// Setup: the pinned packages, the workbook's library from this folder's packages/ (no build needed), its display formatters.";
        return string.Join('\n', lines);
    }

    /// <summary>
    /// The kit's first cell: adds its packages/ folder as a package source. NuGet takes a folder source only as a full
    /// path, and a notebook's folder is known only when it runs (Jupyter and VS Code start the kernel there), so the
    /// cell computes the path and sends the <c>#i</c> line to the kernel; the setup cell after it can then load the package.
    /// </summary>
    public const string PackageSourceCell =
        KitSourceLine + " (NuGet needs its full path; the notebook runs in this folder).\n" +
        "await Microsoft.DotNet.Interactive.Kernel.Root.SendAsync(new Microsoft.DotNet.Interactive.Commands.SubmitCode(\n" +
        "    $\"#i \\\"nuget: {System.IO.Path.GetFullPath(\"" + PackagesFolder + "\")}\\\"\", \"csharp\"));";

    /// <summary>The first line of <see cref="PackageSourceCell"/>.</summary>
    public const string KitSourceLine = "// The workbook's library comes from the packages/ folder next to this notebook";

    /// <summary>
    /// True for a cell only the kit has: its package source, or a solution of an earlier notebook's exercise (the grader
    /// runs the instructor's setup and the reference there instead).
    /// </summary>
    public static bool IsKitCell(string source) =>
        source.TrimStart().StartsWith(EarlierWorkLine, StringComparison.Ordinal) || source.TrimStart().StartsWith(KitSourceLine, StringComparison.Ordinal);

    private static IEnumerable<JsonObject> EarlierWorkCells(string[] exercises, IReadOnlyList<(string Path, JsonObject Notebook)> course)
    {
        yield return Markdown("earlier-work",
            "## Your code from earlier notebooks\n\n" +
            "This task builds on exercises you wrote before. Paste each solution over its stub below (the code of your exercise cell, " +
            "without its `// Exercise …` line): the cells after this one run on your code, and the check under each stub says whether it " +
            "still works. Until then, cells that need it print which exercise they wait for. (The grader marks each exercise in its own notebook.)");
        var first = Find(exercises[0], course).Exercise;
        yield return Code(first, "earlier-usings", $"{EarlierWorkLine} the namespaces the classes below use.\nusing TorchSharp;\nusing TorchSharp.Modules;\nusing static TorchSharp.torch;");
        foreach (string id in exercises)
        {
            var (notebookPath, exercise, check) = Find(id, course);
            string stub = StudentVersion.StudentCode(Source(exercise), $"{Path.GetFileName(notebookPath)}, Exercise {id}");
            var header = ExerciseMarkers.Header(stub)!.Value;
            var body = stub.Split('\n').SkipWhile(l => ExerciseMarkers.Header(l) == null).Skip(1);
            yield return Code(exercise, $"earlier-{id}", $"{EarlierWorkLine} paste your solution of Exercise {id} ({header.Title}, notebook {Path.GetFileName(notebookPath)[..2]}) over this stub.\n" +
                              string.Join('\n', body));
            yield return Code(check, $"earlier-{id}-check", StudentVersion.StudentCode(Source(check), $"{Path.GetFileName(notebookPath)}, check of Exercise {id}"));
        }
    }

    /// <summary>The exercise cell of <paramref name="id"/> and its (visible) check cell, in the instructor's notebooks.</summary>
    private static (string Path, JsonObject Exercise, JsonObject Check) Find(string id, IReadOnlyList<(string Path, JsonObject Notebook)> course)
    {
        foreach (var (path, notebook) in course)
        {
            var cells = notebook["cells"]!.AsArray().Select(c => c!.AsObject()).Where(c => (string?)c["cell_type"] == "code").ToList();
            int exercise = cells.FindIndex(c => ExerciseMarkers.Header(Source(c))?.Id == id);
            if (exercise < 0) continue;
            var check = cells.Skip(exercise + 1).FirstOrDefault(c => ExerciseMarkers.CheckedExercise(Source(c)) == id)
                ?? throw new InvalidDataException($"{path}: Exercise {id} has no check cell");
            return (path, cells[exercise], check);
        }
        throw new InvalidDataException($"no instructor notebook holds Exercise {id}, which the kit's later notebooks build on");
    }

    /// <summary>
    /// Writes the kit to <paramref name="folder"/>: the expected values (into src/Workbook.StudentKit, where the package
    /// embeds them), the package (dotnet pack), the notebooks, the README, and the data set, except into the repository's
    /// own notebooks/exercises/ (whose notebooks find the repository's data/ above them).
    /// </summary>
    /// <returns>the files written</returns>
    /// <param name="updateExpectedValues">false: pack the expected values as committed (a test compares them with the reference's)</param>
    public static IReadOnlyList<string> Write(string repositoryRoot, string folder, TextWriter log, bool updateExpectedValues = true)
    {
        var written = new List<string>();
        string project = Path.Combine(repositoryRoot, "src", "Workbook.StudentKit");
        if (updateExpectedValues)
        {
            string expected = Path.Combine(project, ExpectedValuesFileName);
            string json = KitExpectedValues.Json();
            if (!File.Exists(expected) || File.ReadAllText(expected) != json) File.WriteAllText(expected, json);
            written.Add(expected);
        }

        string packages = Path.Combine(folder, PackagesFolder);
        Directory.CreateDirectory(packages);
        foreach (string old in Directory.GetFiles(packages, $"{PackageId}.*.nupkg")) File.Delete(old);
        Pack(Path.Combine(project, "Workbook.StudentKit.csproj"), packages, log);
        written.AddRange(Directory.GetFiles(packages, "*.nupkg"));
        ForgetCachedPackage();

        written.AddRange(StudentVersion.WriteAll(Path.Combine(repositoryRoot, "notebooks"), folder));
        foreach (string stale in Directory.GetFiles(folder, "*.ipynb").Where(p => !InKit(p))) File.Delete(stale);
        string readme = Path.Combine(folder, "README.md");
        File.WriteAllText(readme, Readme);
        written.Add(readme);

        string inRepository = Path.GetFullPath(Path.Combine(repositoryRoot, "notebooks", "exercises"));
        if (Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) != inRepository)
        {
            string data = Path.Combine(repositoryRoot, "data", "speech");
            foreach (string file in Directory.GetFiles(data, "*", SearchOption.AllDirectories))
            {
                string target = Path.Combine(folder, "data", "speech", Path.GetRelativePath(data, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }
            written.Add(Path.Combine(folder, "data", "speech"));
        }
        return written;
    }

    private static void Pack(string project, string output, TextWriter log)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "pack", project, "-c", "Release", "-o", output, "--nologo", "-v", "q", "-clp:NoSummary" })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{project}: dotnet pack failed (exit code {process.ExitCode}):\n{text}{error.Result}");
        log.Write(text);
    }

    /// <summary>
    /// NuGet keeps an extracted package by id and version, and restores from that copy forever after; the kit's
    /// package keeps its version while its content changes, so the copy from an earlier kit is removed.
    /// </summary>
    private static void ForgetCachedPackage()
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string cached = Path.Combine(cache, PackageId.ToLowerInvariant(), PackageVersion);
        if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
    }

    /// <summary>The kit's README, for students.</summary>
    public const string Readme = """
        # Time-domain CNNs for audio: the exercises

        Four notebooks, one per task of the lab. You need the .NET SDK 10 (https://dot.net) and, to work in a browser,
        Jupyter with the .NET kernel (`dotnet tool install -g Microsoft.dotnet-interactive`, then
        `dotnet interactive jupyter install`), or VS Code with the Polyglot Notebooks extension.

        1. Open `01-shift-register-convolution-and-single-channel-cnn.ipynb` and run its first cell: it loads the
           workbook's library from `packages/` (no build needed; the first run downloads TorchSharp, which takes a while).
        2. Run the cells in order. A cell that starts with `// Exercise …` is yours: replace the line that throws
           `NotImplementedException`. The cell after it checks your work, one line per property. Keep the
           `// Exercise …` line at the top of its cell: the grader finds your solution by it.
        3. Notebooks 02–04 build on your earlier exercises: paste your solutions into the cells under
           "Your code from earlier notebooks".
        4. Write your answers to the questions after "Your answer:".

        The checks you see here are the ones that count (the grader runs the same properties with other sizes and
        seeds). Hand in the four notebooks as your course says (e.g. push them to your GitHub Classroom repository).
        The data set is in `data/speech/` (300 pairs of one-second clips at 16 kHz).
        """;

    private static string Source(JsonObject cell) => JupyterOutputs.Join(cell["source"]);

    /// <summary>A new code cell with <paramref name="like"/>'s kernel metadata.</summary>
    private static JsonObject Code(JsonObject like, string id, string source) => new()
    {
        ["cell_type"] = "code", ["execution_count"] = null, ["id"] = id, ["metadata"] = like["metadata"]?.DeepClone() ?? new JsonObject(),
        ["outputs"] = new JsonArray(), ["source"] = JupyterOutputs.Lines(source),
    };

    private static JsonObject Markdown(string id, string source) => new()
    {
        ["cell_type"] = "markdown", ["id"] = id, ["metadata"] = new JsonObject(), ["source"] = JupyterOutputs.Lines(source),
    };

    [GeneratedRegex(@"^0[1-4]-.*\.ipynb$")]
    private static partial Regex KitNotebook();

    [GeneratedRegex(@"^\s*#r ""[^""]*src/Workbook/bin/[^""]*Workbook\.dll""")]
    private static partial Regex LibraryReference();
}
