using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workbook.Coursework;
using Workbook.Hosting;

namespace Workbook.Notebooks.Coursework;

/// <summary>What the grader needs: the solved notebooks, where to write, the time limit and how to start a notebook process.</summary>
/// <param name="Timeout">the limit for one run of a notebook: a cell still running then is stopped and its exercise scores 0</param>
/// <param name="ChildProcess">starts a process that executes one notebook, running every cell even after a failure; it is
/// given the notebook, the executed notebook's path and the outcome file's path, all three in one private folder that
/// holds nothing else (the folder a sandbox lets the run see)</param>
public sealed record GradingOptions(string InstructorFolder, string OutputDirectory, TimeSpan Timeout,
    Func<string, string, string, ProcessStartInfo> ChildProcess)
{
    /// <summary>The limit for a whole submission, all its runs together; what has not run by then scores 0 as timed out.</summary>
    public TimeSpan SubmissionTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Where the notebooks being run live while a submission is graded (deleted after); never inside the output.</summary>
    public string WorkRoot { get; init; } = Path.GetTempPath();

    /// <summary>
    /// Runs every notebook in a <see cref="NotebookSandbox"/> that sees only a private copy of the notebook to run;
    /// null runs it as it is, with the grader's rights.
    /// </summary>
    public SandboxOptions? Sandbox { get; init; }

    /// <summary>How many submissions are graded side by side: each notebook process then gets its share of the cores.</summary>
    public int Jobs { get; init; } = 1;
}

/// <summary>
/// Grades submissions like nbgrader's autograder, for C# notebooks. A submission is a folder of a student's notebooks.
/// For each of the instructor's notebooks, the grader builds the notebook to run from the student's copy: the student's
/// cells as they are, except that every check cell (the student may have edited or deleted it) is dropped, the
/// instructor's check cells (visible and hidden checks) go right after the student's cell for each exercise, and the
/// setup cell is the instructor's. It runs that notebook headless with every cell running even after one fails, and
/// reads each check's report from the executed notebook's outputs. A cell that runs past the time limit is replaced
/// by a note and the notebook run again, so an endless loop costs only the exercises it breaks.
/// An exercise scores its points when every property of its checks holds, and 0 otherwise.
/// </summary>
public static class Grader
{
    private const string GradingKey = "workbook_grading";
    private const int MaxReruns = 4;

    /// <param name="id">the name the grades use for this submission (default: the folder's name)</param>
    public static async Task<SubmissionGrade> GradeAsync(string submission, GradingOptions options, TextWriter? log = null, string? id = null)
    {
        var watch = Stopwatch.StartNew();
        var deadline = DateTime.UtcNow + options.SubmissionTimeout;
        string name = id ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(submission)));
        var course = Course(options.InstructorFolder);
        // The notebooks being run hold the model solutions and hidden checks: they live outside the output (which a
        // student may get to see) and are deleted once the submission is graded.
        string workFolder = Path.Combine(Path.GetFullPath(options.WorkRoot), "workbook-grading-" + Guid.NewGuid().ToString("N")[..12]);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(workFolder);
        else Directory.CreateDirectory(workFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var (grades, answers) = await GradeNotebooks(submission, course, options, workFolder, deadline);
            var ordered = grades.OrderBy(g => g.Notebook, StringComparer.Ordinal).ThenBy(g => g.Exercise, StringComparer.Ordinal).ToList();
            var result = new SubmissionGrade(name, ordered, answers, watch.Elapsed.TotalSeconds);
            log?.WriteLine($"{name}: {result.Total}/{result.Max} points in {result.Seconds:F0} s");
            return result;
        }
        finally
        {
            try { Directory.Delete(workFolder, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { log?.WriteLine($"{name}: could not delete the work folder {workFolder}: {e.Message}"); }
        }
    }

    /// <summary>The instructor's notebooks that hold coursework (exercises or written questions), in name order.</summary>
    public static IReadOnlyList<CourseNotebook> Course(string instructorFolder) =>
        NotebookRunner.Find(instructorFolder).Select(CourseNotebook.Read).Where(c => c.Exercises.Count > 0 || c.Questions.Count > 0).ToList();

    /// <summary>Every exercise of the course with one status and reason: for a submission that could not be graded at all.</summary>
    public static SubmissionGrade Ungraded(IReadOnlyList<CourseNotebook> course, string id, GradeStatus status, string reason, double seconds = 0) =>
        new(id, course.SelectMany(c => c.Exercises.Select(e => new ExerciseGrade(c.Name, e.Id, e.Title, 0, e.Points, status,
                Array.Empty<string>(), Array.Empty<FailedProperty>(), reason)))
            .OrderBy(g => g.Notebook, StringComparer.Ordinal).ThenBy(g => g.Exercise, StringComparer.Ordinal).ToList(),
            Array.Empty<WrittenAnswer>(), seconds);

    private static async Task<(List<ExerciseGrade>, List<WrittenAnswer>)> GradeNotebooks(string submission, IReadOnlyList<CourseNotebook> course,
        GradingOptions options, string workFolder, DateTime deadline)
    {
        var grades = new List<ExerciseGrade>();
        var answers = new List<WrittenAnswer>();
        var toRun = new List<(CourseNotebook Course, JsonObject Student)>();
        foreach (var notebook in course)
        {
            IEnumerable<ExerciseGrade> All(GradeStatus status, string reason) => notebook.Exercises.Select(e => new ExerciseGrade(notebook.Name, e.Id, e.Title, 0, e.Points, status,
                Array.Empty<string>(), Array.Empty<FailedProperty>(), reason));
            string? studentPath = FindStudentNotebook(submission, notebook.Name);
            if (studentPath == null)
            {
                grades.AddRange(All(GradeStatus.NotSubmitted, $"{notebook.Name}.ipynb is not in the submission"));
                continue;
            }
            JsonObject student;
            try { student = StudentNotebook.Read(studentPath, notebook); }
            catch (InvalidDataException e)
            {
                grades.AddRange(All(GradeStatus.NotReadable, e.Message));
                continue;
            }
            answers.AddRange(WrittenAnswers(notebook, student));
            if (notebook.Exercises.Count > 0) toRun.Add((notebook, student));
        }

        var runs = new NotebookRuns(workFolder, options, deadline);
        foreach (var (notebook, student) in toRun)
        {
            if (runs.PastDeadline)
            {
                grades.AddRange(notebook.Exercises.Select(e => new ExerciseGrade(notebook.Name, e.Id, e.Title, 0, e.Points, GradeStatus.TimedOut,
                    Array.Empty<string>(), Array.Empty<FailedProperty>(), runs.DeadlineReason + ": this notebook was not run")));
                continue;
            }
            JsonObject executed;
            try { executed = await runs.Run(notebook.Name, UpToTheLastCheck(Merge(notebook, student))); }
            catch (InvalidDataException e)   // what the run left cannot be read (it printed too much, or left a link in its place)
            {
                grades.AddRange(notebook.Exercises.Select(x => new ExerciseGrade(notebook.Name, x.Id, x.Title, 0, x.Points, GradeStatus.Failed,
                    Array.Empty<string>(), Array.Empty<FailedProperty>(), $"{notebook.Name}.ipynb could not be graded: {e.Message}")));
                continue;
            }
            var byId = notebook.Exercises.ToDictionary(e => e.Id, e => GradeExercise(notebook, e, executed));
            if (runs.StoppedAtDeadline is int cell)   // what did not pass may not have run at all
            {
                foreach (var e in notebook.Exercises.Where(e => byId[e.Id].Status != GradeStatus.Passed))
                    byId[e.Id] = byId[e.Id] with { Points = 0, Status = GradeStatus.TimedOut, Error = $"{runs.DeadlineReason}: the run was stopped in cell {cell + 1}" };
                grades.AddRange(notebook.Exercises.Select(e => byId[e.Id]));
                continue;
            }
            // An exercise that fails after an earlier one failed may fail only because it uses that one (Filter calls
            // Shift): check it again with the model solutions of the earlier failing exercises in place of the student's,
            // so that a mistake costs only the exercise it is in.
            var inCellOrder = notebook.Exercises.OrderBy(e => e.Cell).ToList();
            for (int i = 0; i < inCellOrder.Count; i++)
            {
                var exercise = inCellOrder[i];
                var failedBefore = inCellOrder.Take(i).Where(e => byId[e.Id].Status != GradeStatus.Passed).Select(e => e.Id).ToList();
                if (byId[exercise.Id].Status == GradeStatus.Passed || failedBefore.Count == 0 || byId[exercise.Id].Status is GradeStatus.Missing or GradeStatus.NotAccepted) continue;
                if (runs.PastDeadline) break;   // the first run's grade stands
                JsonObject again;
                try { again = await runs.Run(notebook.Name, UpToTheLastCheck(Merge(notebook, student, failedBefore.ToHashSet()))); }
                catch (InvalidDataException) { continue; }
                var rerun = GradeExercise(notebook, exercise, again);
                byId[exercise.Id] = rerun with
                {
                    Note = $"checked with the model solution of exercise{(failedBefore.Count == 1 ? "" : "s")} {string.Join(", ", failedBefore)} " +
                           "in place of yours, since yours does not pass: a mistake costs only the exercise it is in",
                };
            }
            grades.AddRange(notebook.Exercises.Select(e => byId[e.Id]));
        }
        return (grades, answers);
    }

    /// <summary>
    /// The notebook to run without the cells after its last check cell: nothing after the last check can change a
    /// grade, and those cells are the notebook's long demonstrations (notebook 04 trains the CNN twice after its checks).
    /// </summary>
    private static JsonObject UpToTheLastCheck(JsonObject merged)
    {
        var cells = merged["cells"]!.AsArray();
        int last = -1;
        for (int i = 0; i < cells.Count; i++)
            if ((string?)cells[i]!["metadata"]?[GradingKey]?["role"] == "check") last = i;
        while (cells.Count > last + 1) cells.RemoveAt(cells.Count - 1);
        return merged;
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

    /// <summary>
    /// Runs the merged notebooks of one submission. Each run gets a fresh private folder holding only a copy of the
    /// notebook to run (the folder a sandbox shows the run); a cell that runs past the limit, or ends the process, is
    /// replaced by a note and the notebook run again. Every run is cut short at the submission's deadline.
    /// </summary>
    private sealed class NotebookRuns(string workFolder, GradingOptions options, DateTime deadline)
    {
        private int count;

        public bool PastDeadline => DateTime.UtcNow >= deadline;

        /// <summary>The cell the last run was stopped in when the submission's deadline stopped it, else null.</summary>
        public int? StoppedAtDeadline { get; private set; }

        public string DeadlineReason => $"the submission ran past its {options.SubmissionTimeout.TotalMinutes:0.#}-minute limit";

        public async Task<JsonObject> Run(string name, JsonObject merged)
        {
            StoppedAtDeadline = null;
            for (int attempt = 0; ; attempt++)
            {
                string scratch = Path.Combine(workFolder, $"run-{++count}");
                string source = Path.Combine(scratch, "in", name + ".ipynb");
                Directory.CreateDirectory(Path.GetDirectoryName(source)!);
                NotebookFile.Write(source, merged);
                var remaining = TimeSpan.FromSeconds(Math.Max(1, (deadline - DateTime.UtcNow).TotalSeconds));
                bool cutByDeadline = remaining < options.Timeout;
                var runOptions = new NotebookRunOptions(scratch, cutByDeadline ? remaining : options.Timeout, (notebook, executed, outcome) =>
                {
                    var start = options.ChildProcess(notebook, executed, outcome);
                    NotebookRunner.ShareCores(start, options.Jobs);
                    return start;
                }) { Pages = false, Sandbox = options.Sandbox };
                var report = (await NotebookRunner.RunAsync(new[] { source }, runOptions, TextWriter.Null))[0];
                string executedText = ChildOutput.ReadFile(Path.Combine(scratch, name + ".ipynb"))
                    ?? throw new InvalidDataException($"the run left no executed notebook ({report.Status})");
                var executed = Parsed(executedText) ?? throw new InvalidDataException("the executed notebook is not a notebook");
                // A notebook stops early when a cell runs past the limit, or when the process ends (TorchSharp's matmul ends it
                // on a shape mismatch): the first code cell without a result is the one that stopped it.
                bool crashed = !report.TimedOut && !report.Succeeded && report.FailedCell == null;
                int? stopped = report.TimedOut || crashed ? FirstUnexecuted(executed) : null;
                bool last = attempt == MaxReruns || (report.TimedOut && cutByDeadline);
                if (stopped is not int index) return CarryMarks(executed, merged);
                if (report.TimedOut && cutByDeadline) StoppedAtDeadline = index;
                var cell = merged["cells"]![index]!.AsObject();
                string why = report.TimedOut
                    ? cutByDeadline ? $"ran past the limit: {DeadlineReason}" : $"ran past the {options.Timeout.TotalMinutes:0.#}-minute limit and was stopped (an endless loop?)"
                    : $"ended the notebook's process: {ProcessEndReason(Path.Combine(scratch, name + ".log"))}";
                if (cell["metadata"]?[GradingKey] is JsonObject tag) tag["stopped"] = why;
                if (last) return CarryMarks(executed, merged);
                merged = merged.DeepClone().AsObject();
                cell = merged["cells"]![index]!.AsObject();
                cell["source"] = JupyterOutputs.Lines($"// stopped by the grader: this cell {why}");
            }
        }
    }

    private static JsonObject? Parsed(string text)
    {
        try { return JsonNode.Parse(text) is JsonObject notebook && notebook["cells"] is JsonArray cells && cells.All(c => c is JsonObject) ? notebook : null; }
        catch (JsonException) { return null; }
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
    private static JsonObject CarryMarks(JsonObject executed, JsonObject merged)
    {
        var source = merged["cells"]!.AsArray();
        var cells = executed["cells"]!.AsArray();
        for (int i = 0; i < Math.Min(cells.Count, source.Count); i++)
            if (source[i]!["metadata"]?[GradingKey]?["stopped"] is JsonNode why && cells[i]?["metadata"]?[GradingKey] is JsonObject tag)
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
        ExerciseGrade Grade(GradeStatus status, string? error, bool full = false) =>
            new(course.Name, exercise.Id, exercise.Title, full ? exercise.Points : 0, exercise.Points, status, passed, failed, error);

        if (solution.Count == 0)
            return Grade(GradeStatus.Missing, $"no cell starts with the line '{ExerciseMarkers.HeaderStart(exercise.Id).Trim()} …': keep that line at the top of the cell with your solution");
        if (solution.Concat(checks).Select(c => (string?)c["metadata"]?[GradingKey]?["stopped"]).FirstOrDefault(w => w != null) is string stopped)
            return Grade(stopped.StartsWith("ran past", StringComparison.Ordinal) ? GradeStatus.TimedOut : GradeStatus.Crashed, $"your code {stopped}");
        if (LibraryUse.Find(exercise.Id, solution.Select(Source)) is string used)
            return Grade(GradeStatus.NotAccepted, $"your solution uses the library's {used}: write it yourself");
        string? solutionError = solution.Select(ErrorOf).FirstOrDefault(e => e != null);
        if (reports.Any(r => r.NotImplemented != null))   // every property would say the same: say it once
            return new ExerciseGrade(course.Name, exercise.Id, exercise.Title, 0, exercise.Points, GradeStatus.NotImplemented,
                Array.Empty<string>(), Array.Empty<FailedProperty>(), reports.First(r => r.NotImplemented != null).NotImplemented);
        string? checkError = checks.Select(ErrorOf).FirstOrDefault(e => e != null);
        if (solutionError != null) return Grade(GradeStatus.Failed, $"your cell for exercise {exercise.Id} failed: {solutionError}");
        if (checkError != null || reports.Count < checks.Count) return Grade(GradeStatus.Failed, $"the check could not run: {checkError ?? "it showed no result"}");
        bool allHold = reports.Count > 0 && reports.All(r => r.Passed);
        return Grade(allHold ? GradeStatus.Passed : GradeStatus.Failed, null, full: allHold);
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
