using System.Diagnostics;
using System.Text.Json.Nodes;
using Workbook.Coursework;
using Workbook.Hosting;

namespace Workbook.Notebooks.Coursework;

/// <summary>What the grader needs: the solved notebooks, where to write, the time limit and how to start a notebook process.</summary>
/// <param name="ChildProcess">starts a process that executes one notebook, running every cell even after a failure</param>
public sealed record GradingOptions(string InstructorFolder, string OutputDirectory, TimeSpan Timeout,
    Func<string, string, string, ProcessStartInfo> ChildProcess);

/// <summary>
/// Grades submissions like nbgrader's autograder, for C# notebooks. A submission is a folder of a student's notebooks.
/// For each of the instructor's notebooks, the grader builds the notebook to run from the student's copy: the student's
/// cells as they are, except that every check cell (the student may have edited or deleted it) is dropped, the
/// instructor's check cells (visible and hidden checks) go right after the student's cell for each exercise, and the
/// setup cell is the instructor's. It runs that notebook headless with every cell running even after one fails, and
/// reads each check's report from the executed notebook's outputs. A cell that runs past the time limit is replaced
/// by a note and the notebook run again, so an endless loop costs only the exercises it breaks.
/// An exercise scores its points when every property of its checks holds, and 0 otherwise; one whose header declares
/// point groups scores each group whose properties all hold.
/// </summary>
public static class Grader
{
    private const string GradingKey = "workbook_grading";
    private const int MaxReruns = 4;

    public static async Task<SubmissionGrade> GradeAsync(string submission, GradingOptions options, TextWriter? log = null)
    {
        var watch = Stopwatch.StartNew();
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(submission)));
        var course = NotebookRunner.Find(options.InstructorFolder).Select(CourseNotebook.Read).Where(c => c.Exercises.Count > 0 || c.Questions.Count > 0).ToList();
        string workFolder = Path.Combine(options.OutputDirectory, name, "run");
        if (Directory.Exists(workFolder)) Directory.Delete(workFolder, recursive: true);
        Directory.CreateDirectory(workFolder);

        var grades = new List<ExerciseGrade>();
        var answers = new List<WrittenAnswer>();
        var toRun = new List<(CourseNotebook Course, JsonObject Student, string Merged)>();
        foreach (var notebook in course)
        {
            string? studentPath = FindStudentNotebook(submission, notebook.Name);
            if (studentPath == null)
            {
                grades.AddRange(notebook.Exercises.Select(e => new ExerciseGrade(notebook.Name, e.Id, e.Title, 0, e.Points, "not submitted",
                    Array.Empty<string>(), Array.Empty<FailedProperty>(), $"{notebook.Name}.ipynb is not in the submission")));
                continue;
            }
            JsonObject student;
            try { student = NotebookFile.Read(studentPath); }
            catch (InvalidDataException e)
            {
                grades.AddRange(notebook.Exercises.Select(x => new ExerciseGrade(notebook.Name, x.Id, x.Title, 0, x.Points, "not readable",
                    Array.Empty<string>(), Array.Empty<FailedProperty>(), e.Message)));
                continue;
            }
            answers.AddRange(WrittenAnswers(notebook, student));
            if (notebook.Exercises.Count == 0) continue;
            // The notebook to run goes in its own folder: the runner writes the executed copy under the same name in workFolder.
            Directory.CreateDirectory(Path.Combine(workFolder, "source"));
            string merged = Path.Combine(workFolder, "source", notebook.Name + ".ipynb");
            NotebookFile.Write(merged, Merge(notebook, student));
            toRun.Add((notebook, student, merged));
        }

        foreach (var (notebook, student, merged) in toRun)
        {
            var executed = await RunWithReruns(merged, workFolder, options);
            var byId = notebook.Exercises.ToDictionary(e => e.Id, e => GradeExercise(notebook, e, executed));
            // An exercise that fails after an earlier one failed may fail only because it uses that one (Filter calls
            // Shift): check it again with the model solutions of the earlier failing exercises in place of the student's,
            // so that a mistake costs only the exercise it is in.
            var inCellOrder = notebook.Exercises.OrderBy(e => e.Cell).ToList();
            for (int i = 0; i < inCellOrder.Count; i++)
            {
                var exercise = inCellOrder[i];
                var failedBefore = inCellOrder.Take(i).Where(e => byId[e.Id].Status != "passed").Select(e => e.Id).ToList();
                if (byId[exercise.Id].Status == "passed" || failedBefore.Count == 0 || byId[exercise.Id].Status is "missing" or "not accepted") continue;
                string again = Path.Combine(workFolder, "source", $"{notebook.Name}.with-model-{string.Join("-", failedBefore)}.ipynb");
                NotebookFile.Write(again, Merge(notebook, student, failedBefore.ToHashSet()));
                var rerun = GradeExercise(notebook, exercise, await RunWithReruns(again, workFolder, options));
                byId[exercise.Id] = rerun with
                {
                    Note = $"checked with the model solution of exercise{(failedBefore.Count == 1 ? "" : "s")} {string.Join(", ", failedBefore)} " +
                           "in place of yours, since yours does not pass: a mistake costs only the exercise it is in",
                };
            }
            grades.AddRange(notebook.Exercises.Select(e => byId[e.Id]));
        }
        var ordered = grades.OrderBy(g => g.Notebook, StringComparer.Ordinal).ThenBy(g => g.Exercise, StringComparer.Ordinal).ToList();
        var result = new SubmissionGrade(name, ordered, answers, watch.Elapsed.TotalSeconds);
        log?.WriteLine($"{name}: {result.Total}/{result.Max} points in {result.Seconds:F0} s");
        return result;
    }

    /// <summary>The student's copy of a notebook: the same file name, or a file starting with the same number ("01-").</summary>
    private static string? FindStudentNotebook(string submission, string name)
    {
        string exact = Path.Combine(submission, name + ".ipynb");
        if (File.Exists(exact)) return exact;
        string prefix = name.Split('-')[0] + "-";
        var candidates = Directory.Exists(submission)
            ? Directory.EnumerateFiles(submission, prefix + "*.ipynb").Order(StringComparer.Ordinal).ToList()
            : new List<string>();
        return candidates.Count == 1 ? candidates[0] : null;
    }

    /// <summary>The notebook the grader runs: the student's cells, the instructor's setup and check cells.</summary>
    /// <param name="useModelSolutionFor">exercises whose cell is taken from the instructor's notebook (the model solution)</param>
    public static JsonObject Merge(CourseNotebook course, JsonObject student, IReadOnlySet<string>? useModelSolutionFor = null)
    {
        var instructorCells = course.Instructor["cells"]!.AsArray();
        var studentCells = student["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
        var merged = new List<JsonObject>();
        var setup = instructorCells[0]!.DeepClone().AsObject();
        Tag(setup, "setup", null);
        merged.Add(setup);

        var lastCellOf = new Dictionary<string, int>();
        for (int i = 0; i < studentCells.Count; i++)
            if (Code(studentCells[i]) && ExerciseMarkers.Header(Source(studentCells[i])) is var (id, _, _)) lastCellOf[id] = i;

        for (int i = 0; i < studentCells.Count; i++)
        {
            var cell = studentCells[i];
            string source = Source(cell);
            if (Code(cell))
            {
                var header = ExerciseMarkers.Header(source);
                if (header == null && (ExerciseMarkers.CheckedExercise(source) != null || IsSetup(source))) continue;   // the instructor's take their place
                bool useModel = header is var (modelId, _, _) && useModelSolutionFor?.Contains(modelId) == true;
                var copy = useModel
                    ? course.Instructor["cells"]![course.Exercises.Single(e => e.Id == header!.Value.Id).Cell]!.DeepClone().AsObject()
                    : cell.DeepClone().AsObject();
                copy["outputs"] = new JsonArray();
                copy["execution_count"] = null;
                Tag(copy, header == null ? "student" : useModel ? "model" : "solution", header?.Id);
                merged.Add(copy);
                if (header is var (id, _, _) && lastCellOf[id] == i)
                    merged.AddRange(CheckCells(course, id));
            }
            else merged.Add(cell.DeepClone().AsObject());
        }
        foreach (var exercise in course.Exercises.Where(e => !lastCellOf.ContainsKey(e.Id)))
            merged.AddRange(CheckCells(course, exercise.Id));   // they will fail: the exercise's cell is missing

        var notebook = student.DeepClone().AsObject();
        notebook["cells"] = new JsonArray(merged.Select(c => (JsonNode?)c).ToArray());
        notebook["metadata"] = course.Instructor["metadata"]!.DeepClone();
        return SetupCell.Relocate(notebook, Path.GetDirectoryName(course.Path)!, toFolder: null);
    }

    private static IEnumerable<JsonObject> CheckCells(CourseNotebook course, string id) =>
        course.Exercises.Single(e => e.Id == id).CheckCells.Select(index =>
        {
            var cell = course.Instructor["cells"]![index]!.DeepClone().AsObject();
            Tag(cell, "check", id);
            return cell;
        });

    private static async Task<JsonObject> RunWithReruns(string merged, string workFolder, GradingOptions options)
    {
        var runOptions = new NotebookRunOptions(workFolder, options.Timeout, options.ChildProcess);
        string name = Path.GetFileNameWithoutExtension(merged);
        for (int attempt = 0; ; attempt++)
        {
            var report = (await NotebookRunner.RunAsync(new[] { merged }, runOptions, TextWriter.Null))[0];
            var executed = NotebookFile.Read(Path.Combine(workFolder, name + ".ipynb"));
            // A notebook stops early when a cell runs past the limit, or when the process ends (TorchSharp's matmul ends it
            // on a shape mismatch): the first code cell without a result is the one that stopped it.
            bool crashed = !report.TimedOut && !report.Succeeded && report.FailedCell == null;
            int? stopped = report.TimedOut || crashed ? FirstUnexecuted(executed) : null;
            if (stopped is not int index || attempt == MaxReruns) return CarryMarks(executed, merged);
            var notebook = NotebookFile.Read(merged);
            var cell = notebook["cells"]![index]!.AsObject();
            string why = report.TimedOut
                ? $"ran past the {options.Timeout.TotalMinutes:0.#}-minute limit and was stopped (an endless loop?)"
                : $"ended the notebook's process: {ProcessEndReason(Path.Combine(workFolder, name + ".log"))}";
            cell["source"] = JupyterOutputs.Lines($"// stopped by the grader: this cell {why}");
            if (cell["metadata"]?[GradingKey] is JsonObject tag) tag["stopped"] = why;
            NotebookFile.Write(merged, notebook);
        }
    }

    private static int? FirstUnexecuted(JsonObject executed)
    {
        var cells = executed["cells"]!.AsArray();
        for (int i = 0; i < cells.Count; i++)
            if ((string?)cells[i]!["cell_type"] == "code" && cells[i]!["execution_count"] is not JsonValue) return i;
        return null;
    }

    /// <summary>What libtorch said before the process ended ("what(): mat1 and mat2 shapes cannot be multiplied …").</summary>
    private static string ProcessEndReason(string log)
    {
        string? what = File.Exists(log) ? File.ReadLines(log).FirstOrDefault(l => l.TrimStart().StartsWith("what():", StringComparison.Ordinal)) : null;
        return what == null ? "it exited without a result" : $"{what.Trim()[7..].Trim()} (libtorch's error was not turned into an exception; check the shapes you multiply)";
    }

    /// <summary>Carries the grader's marks (a cell stopped for time or a crash) of the notebook that was run over to its executed copy.</summary>
    private static JsonObject CarryMarks(JsonObject executed, string merged)
    {
        var source = NotebookFile.Read(merged)["cells"]!.AsArray();
        var cells = executed["cells"]!.AsArray();
        for (int i = 0; i < Math.Min(cells.Count, source.Count); i++)
            if (source[i]!["metadata"]?[GradingKey]?["stopped"] is JsonNode why && cells[i]!["metadata"]?[GradingKey] is JsonObject tag)
                tag["stopped"] = why.DeepClone();
        return executed;
    }

    private static ExerciseGrade GradeExercise(CourseNotebook course, Exercise exercise, JsonObject executed)
    {
        var cells = executed["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
        var solution = cells.Where(c => Role(c) == ("solution", exercise.Id)).ToList();
        var checks = cells.Where(c => Role(c) == ("check", exercise.Id)).ToList();
        var reports = checks.SelectMany(c => c["outputs"]!.AsArray())
            .Select(o => o!["data"]?[CheckReport.MimeType])
            .Where(d => d != null)
            .Select(d => CheckReport.FromJson(JupyterOutputs.Join(d)))
            .ToList();
        var passed = reports.SelectMany(r => r.Results.Where(p => p.Passed).Select(p => Label(r, p))).ToList();
        var failed = reports.SelectMany(r => r.Results.Where(p => !p.Passed).Select(p => new FailedProperty(Label(r, p), p.Problem ?? ""))).ToList();
        ExerciseGrade Grade(string status, string? error, bool full = false) =>
            new(course.Name, exercise.Id, exercise.Title, full ? exercise.Points : 0, exercise.Points, status, passed, failed, error);

        if (solution.Count == 0)
            return Grade("missing", $"no cell starts with the line '{ExerciseMarkers.HeaderStart(exercise.Id).Trim()} …': keep that line at the top of the cell with your solution");
        if (solution.Concat(checks).Select(c => (string?)c["metadata"]?[GradingKey]?["stopped"]).FirstOrDefault(w => w != null) is string stopped)
            return Grade(stopped.StartsWith("ran past", StringComparison.Ordinal) ? "timed out" : "crashed", $"your code {stopped}");
        if (LibraryUse.Find(exercise.Id, solution.Select(Source)) is string used)
            return Grade("not accepted", $"your solution uses the library's {used}: write it yourself");
        string? solutionError = solution.Select(ErrorOf).FirstOrDefault(e => e != null);
        if (reports.Any(r => r.NotImplemented != null))   // every property would say the same: say it once
            return new ExerciseGrade(course.Name, exercise.Id, exercise.Title, 0, exercise.Points, "not implemented",
                Array.Empty<string>(), Array.Empty<FailedProperty>(), reports.First(r => r.NotImplemented != null).NotImplemented);
        string? checkError = checks.Select(ErrorOf).FirstOrDefault(e => e != null);
        if (solutionError != null) return Grade("failed", $"your cell for exercise {exercise.Id} failed: {solutionError}");
        if (checkError != null || reports.Count < checks.Count) return Grade("failed", $"the check could not run: {checkError ?? "it showed no result"}");
        bool allHold = reports.Count > 0 && reports.All(r => r.Passed);
        if (!allHold && reports.Count > 0 && PartialPoints(course, exercise, reports) is int partial and > 0)
            return new ExerciseGrade(course.Name, exercise.Id, exercise.Title, partial, exercise.Points, "partly passed", passed, failed, null);
        return Grade(allHold ? "passed" : "failed", null, full: allHold);
    }

    /// <summary>The points of the groups the header declares (<c>(4 points: 3 training, 1 reporting)</c>) whose
    /// properties all hold, or null when the exercise is all-or-nothing.</summary>
    private static int? PartialPoints(CourseNotebook course, Exercise exercise, IReadOnlyList<CheckReport> reports)
    {
        var groups = ExerciseMarkers.PointGroups(Source(course.Instructor["cells"]![exercise.Cell]!.AsObject()));
        if (groups.Count == 0) return null;
        var properties = reports.SelectMany(r => r.Results).ToList();
        return groups.Where(g => properties.Any(p => p.Group == g.Group) && properties.Where(p => p.Group == g.Group).All(p => p.Passed)).Sum(g => g.Points);
    }

    private static IEnumerable<WrittenAnswer> WrittenAnswers(CourseNotebook course, JsonObject student)
    {
        var cells = student["cells"]!.AsArray().Select(c => c!.AsObject()).Where(c => !Code(c)).Select(Source).ToList();
        foreach (var question in course.Questions)
        {
            string? cell = cells.FirstOrDefault(c => ExerciseMarkers.Question(c) == question.Id);
            string answer = cell == null ? "" : cell.Replace(question.Prompt, "", StringComparison.Ordinal).Trim();
            if (answer.StartsWith(ExerciseMarkers.AnswerPrompt, StringComparison.Ordinal)) answer = answer[ExerciseMarkers.AnswerPrompt.Length..].Trim();
            yield return new WrittenAnswer(course.Name, question.Id, question.Prompt, answer);
        }
    }

    private static string Label(CheckReport report, PropertyResult property) => report.Hidden ? $"{property.Property} (further check)" : property.Property;

    private static string? ErrorOf(JsonObject cell) =>
        cell["outputs"]?.AsArray().Where(o => (string?)o!["output_type"] == "error").Select(o => PropertyChecks.FirstLine((string?)o!["evalue"] ?? "")).FirstOrDefault();

    private static (string?, string?) Role(JsonObject cell) =>
        ((string?)cell["metadata"]?[GradingKey]?["role"], (string?)cell["metadata"]?[GradingKey]?["exercise"]);

    private static void Tag(JsonObject cell, string role, string? exercise)
    {
        if (cell["metadata"] is not JsonObject metadata) cell["metadata"] = metadata = new JsonObject();
        metadata[GradingKey] = new JsonObject { ["role"] = role, ["exercise"] = exercise };
    }

    private static bool Code(JsonObject cell) => (string?)cell["cell_type"] == "code";

    private static string Source(JsonObject cell) => JupyterOutputs.Join(cell["source"]);

    private static bool IsSetup(string source) => source.Contains("Workbook.Notebook.Setup()", StringComparison.Ordinal) || source.Contains("NotebookSetup", StringComparison.Ordinal);
}
