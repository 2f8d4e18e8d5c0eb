using System.Text.Json.Nodes;
using Workbook.Notebooks;
using Workbook.Notebooks.Coursework;
using Workbook.Tests.Notebooks;
using Workbook.Coursework;

namespace Workbook.Tests.Coursework;

/// <summary>
/// A class of submissions graded as an instructor would, with the command line's <c>grade</c> verb: the instructor's
/// notebooks, the student versions, copies with one solution region put back to its stub, copies with the mistakes
/// students make (the handout's among them), and one with an endless loop, graded with a short time limit.
/// </summary>
public sealed class GradingFixture
{
    public GradingFixture()
    {
        Class = Directory.CreateTempSubdirectory("workbook-class-").FullName;
        Output = Path.Combine(Class, "grades");
        var notebooks = Repository.Notebooks.ToDictionary(p => Path.GetFileName(p)[..2], CourseNotebook.Read);

        Submit("instructor", Repository.Notebooks.Select(p => (Path.GetFileName(p), NotebookFile.Read(p))));
        Submit("blank", Directory.GetFiles(Path.Combine(Repository.NotebookFolder, "exercises"), "*.ipynb").Select(p => (Path.GetFileName(p), NotebookFile.Read(p))));
        foreach (var course in notebooks.Values)
            foreach (var exercise in course.Exercises)
                Submit($"stub-{exercise.Id}", new[] { Edited(course, exercise.Cell, StubbedCell) });

        Submit("bug-roll", new[] { WithoutCheckCells(Edited(notebooks["01"], "1.1", s => Replace(s,
            "    long n = x.shape[^1];", "    return x.flatten().roll(k).view(x.shape);   // the handout's roll, on the flattened tensor\n    long n = x.shape[^1];"))) });
        Submit("bug-k-plus-one", new[] { Edited(notebooks["01"], "1.2", s => Replace(s, "k < h.shape[0]; k++", "k <= h.shape[0]; k++")) });
        Submit("bug-transposed", new[] { Edited(notebooks["02"], "2.1", s => Replace(s, "h[k]);", "h[k].transpose(0, 1));")) });
        // Multiplies [B, F, N] by H_k without turning it to [B, N, F]: TorchSharp's matmul ends the process on that shape mismatch.
        Submit("bug-crash", new[] { Edited(notebooks["02"], "2.1", s => Replace(s, "Shift(x, k).transpose(1, 2), h[k])", "Shift(x, k), h[k])")) });
        Submit("bug-tanh-last", new[] { Edited(notebooks["03"], "3.1", s => Replace(s, "if (l < layers.Count - 1) x = x.tanh();", "x = x.tanh();")) });
        Submit("bug-no-zero-grad", new[] { Edited(notebooks["04"], "4.1", s => Replace(s, "optimizer.zero_grad();", "")) });
        Result = Repository.Run("dotnet", new[] { Repository.CliDll, "grade", "--out", Output }.Concat(Sandbox).Concat(Directory.GetDirectories(Class).Order()), Repository.Root,
            TimeSpan.FromMinutes(30));

        // An endless loop in Split, graded on its own with a one-minute limit (the rest of that notebook fits well within it).
        string endless = Path.Combine(Class, "endless", "endless-split");
        Directory.CreateDirectory(endless);
        var (name, notebook) = Edited(notebooks["04"], "4.2", s => Replace(s, "    var order =", "    long spin = 0;\n    while (spin >= 0) spin++;   // never ends\n    var order ="));
        NotebookFile.Write(Path.Combine(endless, name), notebook);
        EndlessOutput = Path.Combine(Class, "endless-grades");
        EndlessResult = Repository.Run("dotnet", new[] { Repository.CliDll, "grade", endless, "--out", EndlessOutput, "--timeout-minutes", "1" }.Concat(Sandbox),
            Repository.Root, TimeSpan.FromMinutes(15));
        File.WriteAllText(Path.Combine(Repository.Root, "artifacts", "grading-test.log"), $"{Result.Output}\n{Result.Error}\n{EndlessResult.Output}\n{EndlessResult.Error}");
    }

    /// <summary>Grading runs in the sandbox where there is one (Linux with bubblewrap), else without, as an instructor would have to.</summary>
    private static IEnumerable<string> Sandbox => Repository.FindProgram("bwrap") != null && OperatingSystem.IsLinux() ? [] : ["--unsafe-no-sandbox"];

    public string Class { get; }

    public string Output { get; }

    public string EndlessOutput { get; }

    public Repository.ProcessResult Result { get; }

    public Repository.ProcessResult EndlessResult { get; }

    public string Describe(Repository.ProcessResult result) => $"exit {result.ExitCode} after {result.Elapsed.TotalSeconds:F0} s\n{result.Output}\n{result.Error}";

    /// <summary>One submission's entry of grades.json.</summary>
    public JsonObject Grades(string submission, string? output = null) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(output ?? Output, "grades.json")))!["submissions"]!.AsArray()
            .Single(s => (string?)s!["submission"] == submission)!.AsObject();

    public static JsonObject Exercise(JsonObject grades, string id) =>
        grades["exercises"]!.AsArray().Single(e => (string?)e!["exercise"] == id)!.AsObject();

    private void Submit(string submission, IEnumerable<(string Name, JsonObject Notebook)> notebooks)
    {
        string folder = Path.Combine(Class, submission);
        Directory.CreateDirectory(folder);
        foreach (var (name, notebook) in notebooks) NotebookFile.Write(Path.Combine(folder, name), notebook);
    }

    private static (string Name, JsonObject Notebook) Edited(CourseNotebook course, string exercise, Func<string, string> edit) =>
        Edited(course, course.Exercises.Single(e => e.Id == exercise).Cell, edit);

    private static (string Name, JsonObject Notebook) Edited(CourseNotebook course, int cell, Func<string, string> edit)
    {
        var notebook = course.Instructor.DeepClone().AsObject();
        var target = notebook["cells"]![cell]!;
        target["source"] = JupyterOutputs.Lines(edit(JupyterOutputs.Join(target["source"])));
        return (Path.GetFileName(course.Path), notebook);
    }

    private static string StubbedCell(string source) => StudentVersion.StudentCode(source, "test");

    private static (string Name, JsonObject Notebook) WithoutCheckCells((string Name, JsonObject Notebook) submission)
    {
        var cells = submission.Notebook["cells"]!.AsArray().Where(c => !JupyterOutputs.Join(c!["source"]).Contains("Check.")).Select(c => c!.DeepClone()).ToArray();
        submission.Notebook["cells"] = new JsonArray(cells);
        return submission;
    }

    /// <summary>A text replacement that must happen: a planted bug that silently did not plant would make its test meaningless.</summary>
    private static string Replace(string source, string from, string to)
    {
        if (!source.Contains(from, StringComparison.Ordinal)) throw new InvalidOperationException($"the solution no longer contains '{from}': update the planted bug");
        return source.Replace(from, to, StringComparison.Ordinal);
    }
}
