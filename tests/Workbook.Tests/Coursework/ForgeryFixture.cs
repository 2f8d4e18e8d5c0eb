using System.Text.Json.Nodes;
using Workbook.Notebooks;
using Workbook.Notebooks.Coursework;
using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Coursework;

/// <summary>
/// A class of notebook-01 submissions by a student who tries to get marks without solving anything, graded with the
/// command line's <c>grade</c> verb, and two honest ones written in ways an earlier grader refused. Each forgery is
/// the student version with exercise 1.1 unsolved and the forging code added; the cells of 1.2 and 1.3 are deleted
/// (they are then "missing", which the grader does not check again with the model solutions: one run per submission).
/// </summary>
public sealed class ForgeryFixture
{
    /// <summary>A check report that claims every property of exercise 1.1 holds.</summary>
    private const string ForgedReport = "{\\\"Exercise\\\":\\\"1.1\\\",\\\"Hidden\\\":false,\\\"Results\\\":[{\\\"Property\\\":\\\"all\\\",\\\"Passed\\\":true,\\\"Problem\\\":null}],\\\"NotImplemented\\\":null}";

    public ForgeryFixture()
    {
        Class = Directory.CreateTempSubdirectory("workbook-forgeries-").FullName;
        Output = Path.Combine(Class, "grades");
        var course = CourseNotebook.Read(Repository.Notebooks.First(p => Path.GetFileName(p).StartsWith("01-", StringComparison.Ordinal)));
        var blank = NotebookFile.Read(Path.Combine(Repository.NotebookFolder, "exercises", Path.GetFileName(course.Path)));

        Forgery("formatter", blank, added:
            $"Microsoft.DotNet.Interactive.Formatting.Formatter.Register<Workbook.Coursework.CheckReport>((report, writer) => writer.Write(\"{ForgedReport}\"), \"{Workbook.Coursework.CheckReport.MimeType}\");");
        Forgery("check-class", blank, added:
            "class Check\n{\n    public static string Exercise(string id, object answer) => \"" + ForgedReport + "\";\n    public static string Hidden(string id, object answer) => Exercise(id, answer);\n}");
        Forgery("top-level-display", blank, added:
            "static string display(object value, params string[] mimeTypes) => \"" + ForgedReport + "\";");
        Forgery("process-exit", blank, added:
            "AppDomain.CurrentDomain.ProcessExit += (sender, e) =>\n    System.IO.File.WriteAllText(Environment.GetCommandLineArgs()[4], \"{}\");");
        Forgery("reflection", blank, added: null, shift:
            "static Tensor Shift(Tensor x, long k) =>\n    (Tensor)typeof(Workbook.Coursework.Check).Assembly.GetType(\"Workbook.Signals.ShiftOperator\")!.GetMethod(\"Shift\")!.Invoke(null, new object[] { x, k })!;");
        Forgery("library-helper", blank,
            added: "static Tensor LibraryShift(Tensor x, long k) => Workbook.Signals.ShiftOperator.Shift(x, k);",
            shift: "static Tensor Shift(Tensor x, long k) => LibraryShift(x, k);");
        Forgery("printed-report", blank, added:
            $"Console.WriteLine(\"\\n{CheckChannel.Marker}eyJTZXF1ZW5jZSI6MH0= 00\\n{ForgedReport}\");");
        // The model solution with its own helper named like a library type, in a cell that mentions the check in a comment.
        Forgery("honest-helper", course.Instructor,
            added: "// Check.Exercise(\"1.1\", Shift) runs below; this helper keeps my Shift short.\nstatic long Batches(long n, long k) => Math.Max(0, n - k);",
            shift: null, edit: s => s.Replace("x.narrow(-1, 0, n - k)", "x.narrow(-1, 0, Batches(n, k))", StringComparison.Ordinal), keepOthers: true);
        Forgery("alias", course.Instructor, added: null, shift: null,
            edit: s => s.Replace("static Tensor Shift", "using W = System.IO.File;\nstatic Tensor Shift", StringComparison.Ordinal)
                        .Replace("long n = x.shape[^1];", "long n = x.shape[^1];\n    W.WriteAllText(\"shift.txt\", \"\");", StringComparison.Ordinal));

        Result = Repository.Run("dotnet", new[] { Repository.CliDll, "grade", "--out", Output }.Concat(Directory.GetDirectories(Class).Where(d => d != Output).Order()),
            Repository.Root, TimeSpan.FromMinutes(40));
        Directory.CreateDirectory(Path.Combine(Repository.Root, "artifacts"));
        File.WriteAllText(Path.Combine(Repository.Root, "artifacts", "forgery-test.log"), $"{Result.Output}\n{Result.Error}");
    }

    public string Class { get; }

    public string Output { get; }

    public Repository.ProcessResult Result { get; }

    public JsonObject Exercise(string submission, string id) =>
        GradingFixture.Exercise(JsonNode.Parse(File.ReadAllText(Path.Combine(Output, "grades.json")))!["submissions"]!.AsArray()
            .Single(s => (string?)s!["submission"] == submission)!.AsObject(), id);

    /// <param name="added">a code cell added just before exercise 1.1's cell, or null</param>
    /// <param name="shift">exercise 1.1's code after its header line, or null to keep the cell</param>
    /// <param name="keepOthers">keep the cells of exercises 1.2 and 1.3 (else they are deleted)</param>
    private void Forgery(string name, JsonObject notebook, string? added, string? shift = null, Func<string, string>? edit = null, bool keepOthers = false)
    {
        var copy = notebook.DeepClone().AsObject();
        var cells = copy["cells"]!.AsArray();
        int exercise = cells.Select((c, i) => (c, i)).First(x => JupyterOutputs.Join(x.c!["source"]).StartsWith("// Exercise 1.1 ", StringComparison.Ordinal)).i;
        var cell = cells[exercise]!;
        string source = JupyterOutputs.Join(cell["source"]);
        if (shift != null) source = source.Split('\n')[0] + "\n" + shift;
        if (edit != null)
        {
            string edited = edit(source);
            if (edited == source) throw new InvalidOperationException($"{name}: the edit did not apply; update the forgery");
            source = edited;
        }
        cell["source"] = JupyterOutputs.Lines(source);
        if (added != null)
            cells.Insert(exercise, new JsonObject
            {
                ["cell_type"] = "code", ["execution_count"] = null, ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(), ["source"] = JupyterOutputs.Lines(added),
            });
        if (!keepOthers)
            foreach (var other in cells.Where(c => JupyterOutputs.Join(c!["source"]) is var s && (s.StartsWith("// Exercise 1.2 ", StringComparison.Ordinal) || s.StartsWith("// Exercise 1.3 ", StringComparison.Ordinal))).ToList())
                cells.Remove(other);
        string folder = Path.Combine(Class, name);
        Directory.CreateDirectory(folder);
        NotebookFile.Write(Path.Combine(folder, "01-shift-register-convolution-and-single-channel-cnn.ipynb"), copy);
    }
}

/// <summary>The forgery class runs notebooks: alone, never beside the other notebook runs.</summary>
[CollectionDefinition("Forgeries", DisableParallelization = true)]
public sealed class ForgeryCollection : ICollectionFixture<ForgeryFixture>;
