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

    /// <summary>How many submissions are graded side by side.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>How many notebooks of one submission run side by side (they are independent runs).</summary>
    public int NotebooksAtOnce { get; init; } = 1;

    /// <summary>How many notebook processes run at once: each gets its share of the cores.</summary>
    public int ProcessesAtOnce => Math.Max(1, Jobs) * Math.Max(1, NotebooksAtOnce);
}

/// <summary>
/// Grades submissions like nbgrader's autograder, for C# notebooks. A submission is a folder of a student's notebooks.
/// For each of the instructor's notebooks, the grader builds the notebook to run on the instructor's (see
/// <see cref="Merge"/>): its setup, demonstration and check cells, the student's exercise cells, answers and added
/// cells in their places, each student cell judged by the code policy before anything runs. It runs that notebook
/// headless with every cell running even after one fails, and takes each cell's outcome and each check's report from
/// the run's signed channel (<see cref="CheckChannel"/>), never from what the notebook displayed or the executed file.
/// A cell that runs past the time limit is replaced by a note and the notebook run again, so an endless loop costs
/// only the exercises it breaks. An exercise scores its points when every property of its checks holds, and 0 otherwise; one whose
/// header declares point groups scores each group whose properties all hold.
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
        var courseExercises = course.SelectMany(c => c.Exercises).Select(e => e.Id).ToHashSet();
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
            try { student = StudentNotebook.Read(studentPath, notebook, courseExercises); }
            catch (InvalidDataException e)
            {
                grades.AddRange(All(GradeStatus.NotReadable, e.Message));
                continue;
            }
            answers.AddRange(WrittenAnswers(notebook, student));
            if (notebook.Exercises.Count > 0) toRun.Add((notebook, student));
        }

        // The notebooks of a submission are independent runs: up to NotebooksAtOnce of them go side by side.
        using var slots = new SemaphoreSlim(Math.Max(1, options.NotebooksAtOnce));
        var graded = await Task.WhenAll(toRun.Select(async run =>
        {
            await slots.WaitAsync();
            try { return await GradeNotebook(run.Course, run.Student, new NotebookRuns(Path.Combine(workFolder, run.Course.Name), options, deadline)); }
            finally { slots.Release(); }
        }));
        foreach (var notebookGrades in graded) grades.AddRange(notebookGrades);
        return (grades, answers);
    }

    /// <summary>One notebook of a submission: its run, and the reruns that check an exercise with the earlier failing ones' model solutions.</summary>
    private static async Task<List<ExerciseGrade>> GradeNotebook(CourseNotebook notebook, JsonObject student, NotebookRuns runs)
    {
        var grades = new List<ExerciseGrade>();
        if (runs.PastDeadline)
        {
            grades.AddRange(notebook.Exercises.Select(e => new ExerciseGrade(notebook.Name, e.Id, e.Title, 0, e.Points, GradeStatus.TimedOut,
                Array.Empty<string>(), Array.Empty<FailedProperty>(), runs.DeadlineReason + ": this notebook was not run")));
            return grades;
        }
        GradedRun executed;
        try { executed = await runs.Run(notebook.Name, UpToTheLastCheck(Merge(notebook, student))); }
        catch (InvalidDataException e)   // what the run left cannot be read (it printed too much, or left a link in its place)
        {
            grades.AddRange(notebook.Exercises.Select(x => new ExerciseGrade(notebook.Name, x.Id, x.Title, 0, x.Points, GradeStatus.Failed,
                Array.Empty<string>(), Array.Empty<FailedProperty>(), $"{notebook.Name}.ipynb could not be graded: {e.Message}")));
            return grades;
        }
        var byId = notebook.Exercises.ToDictionary(e => e.Id, e => GradeExercise(notebook, e, executed));
        if (runs.StoppedAtDeadline is int cell)   // what did not pass may not have run at all
        {
            foreach (var e in notebook.Exercises.Where(e => byId[e.Id].Status != GradeStatus.Passed))
                byId[e.Id] = byId[e.Id] with { Points = 0, Status = GradeStatus.TimedOut, Error = $"{runs.DeadlineReason}: the run was stopped in cell {cell + 1}" };
            grades.AddRange(notebook.Exercises.Select(e => byId[e.Id]));
            return grades;
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
            GradedRun again;
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
        return grades;
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

    /// <summary>
    /// The notebook the grader runs, built on the instructor's notebook: its setup, demonstration and check cells (never
    /// the student's copies), with the student's exercise cells in place of the model solutions, the student's written
    /// answers in place of the questions, and every other code cell the student added in its place relative to the
    /// exercise cells (a cell before exercise 1.2's cell runs just before it; after the last exercise, at the end).
    /// Every student cell is judged by <see cref="CodeReview"/> first: a cell that uses a refused API is replaced by a
    /// comment saying why, and tagged so that the exercise it answers is not accepted.
    /// </summary>
    /// <param name="useModelSolutionFor">exercises whose cell is taken from the instructor's notebook (the model solution)</param>
    public static JsonObject Merge(CourseNotebook course, JsonObject student, IReadOnlySet<string>? useModelSolutionFor = null)
    {
        var instructorCells = course.Instructor["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
        var studentVersion = StudentVersion.Make(course.Instructor, course.Name)["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
        var copies = instructorCells.Concat(studentVersion).Where(Code).Select(c => Normalized(Source(c))).ToHashSet(StringComparer.Ordinal);

        // The student's cells: exercise cells (with the cells added between two cells of one exercise), the cells added
        // before each exercise's first cell, the cells added after the last one, the written answers.
        var solutions = new Dictionary<string, List<(JsonObject Cell, int Number, bool Solution)>>();
        var addedBefore = new Dictionary<string, List<(JsonObject Cell, int Number)>>();
        var pending = new List<(JsonObject Cell, int Number)>();
        var answers = new Dictionary<string, JsonObject>();
        var studentCells = student["cells"]!.AsArray().OfType<JsonObject>().ToList();
        for (int i = 0; i < studentCells.Count; i++)
        {
            var cell = studentCells[i];
            string source = Source(cell);
            if (!Code(cell))
            {
                if (ExerciseMarkers.Question(source) is string question && course.Questions.Any(q => q.Id == question)) answers.TryAdd(question, cell);
                continue;
            }
            if (ExerciseMarkers.Header(source) is var (id, _, _) && course.Exercises.Any(e => e.Id == id))
            {
                if (solutions.TryGetValue(id, out var parts)) parts.AddRange(pending.Select(p => (p.Cell, p.Number, false)));
                else
                {
                    solutions[id] = parts = new();
                    addedBefore[id] = pending.ToList();
                }
                pending.Clear();
                parts.Add((cell, i + 1, true));
                continue;
            }
            // The instructor's take their place; the kit's own cells (its package source, earlier notebooks' exercises,
            // also when pasted over with the whole exercise cell, header and all) give way to the instructor's setup and reference.
            if (copies.Contains(Normalized(source)) || IsSetup(source) || CallsACheck(source) || StudentKit.IsKitCell(source)
                || ExerciseMarkers.Header(source) is not null) continue;
            pending.Add((cell, i + 1));
        }

        var merged = new List<JsonObject>();
        JsonObject StudentCell(JsonObject cell, int number, string role, string? exercise)
        {
            var copy = new JsonObject { ["cell_type"] = "code", ["execution_count"] = null, ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(), ["source"] = cell["source"]?.DeepClone() ?? "" };
            Tag(copy, role, exercise);
            copy["metadata"]![GradingKey]!["student_cell"] = number;
            return copy;
        }
        for (int j = 0; j < instructorCells.Count; j++)
        {
            var instructor = instructorCells[j];
            if (j == 0)
            {
                merged.Add(Tagged(instructor, "setup", null));
                continue;
            }
            if (course.Exercises.FirstOrDefault(e => e.Cell == j) is { } exercise)
            {
                foreach (var (cell, number) in addedBefore.GetValueOrDefault(exercise.Id) ?? new()) merged.Add(StudentCell(cell, number, "student", null));
                if (useModelSolutionFor?.Contains(exercise.Id) == true) merged.Add(Tagged(instructor, "model", exercise.Id));
                else
                    foreach (var (cell, number, solution) in solutions.GetValueOrDefault(exercise.Id) ?? new())
                        merged.Add(StudentCell(cell, number, solution ? "solution" : "student", solution ? exercise.Id : null));
            }
            else if (course.Exercises.FirstOrDefault(e => e.CheckCells.Contains(j)) is { } checkedExercise)
                merged.Add(Tagged(instructor, "check", checkedExercise.Id));
            else if (!Code(instructor))
            {
                var question = course.Questions.FirstOrDefault(q => q.Cell == j);
                var markdown = (question != null && answers.TryGetValue(question.Id, out var answer) ? answer : studentVersion[j]).DeepClone().AsObject();
                markdown["metadata"] = new JsonObject();
                merged.Add(markdown);
            }
            else merged.Add(Tagged(instructor, "demonstration", null));
        }
        merged.AddRange(pending.Select(p => StudentCell(p.Cell, p.Number, "student", null)));
        Review(course, merged);

        var notebook = course.Instructor.DeepClone().AsObject();
        notebook["cells"] = new JsonArray(merged.Select(c => (JsonNode?)c).ToArray());
        return SetupCell.Relocate(notebook, Path.GetDirectoryName(course.Path)!, toFolder: null);
    }

    /// <summary>Judges the student's cells of a merged notebook; a refused cell's code is replaced by a comment saying why, and tagged.</summary>
    private static void Review(CourseNotebook course, List<JsonObject> merged)
    {
        var code = merged.Where(Code).ToList();
        var allExercises = course.Exercises.Select(e => e.Id).ToList();
        var reviewed = code.Select(c => Role(c) switch
        {
            ("solution", var id) => new ReviewedCell(Source(c), true, new[] { id! }),
            ("student", _) => new ReviewedCell(Source(c), true, allExercises),   // a helper may serve any exercise of the notebook
            _ => new ReviewedCell(Source(c), false, Array.Empty<string>()),
        }).ToList();
        foreach (var refused in CodeReview.Judge(reviewed).GroupBy(r => r.Cell))
        {
            var cell = code[refused.Key];
            string why = string.Join("; ", refused.Take(3).Select(r => r.Message)) + (refused.Count() > 3 ? $"; and {refused.Count() - 3} more" : "");
            cell["source"] = JupyterOutputs.Lines($"// not run by the grader: {why}");
            cell["metadata"]![GradingKey]!["refused"] = why;
        }
    }

    /// <summary>A cell's code with trailing spaces and blank ends ignored, to recognise an unedited copy of an instructor's cell.</summary>
    private static string Normalized(string source) =>
        string.Join("\n", source.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd())).Trim();

    /// <summary>The student's copy of a check cell: its code (not a comment or string) calls <c>Check.Exercise</c> or <c>Check.Hidden</c>.</summary>
    private static bool CallsACheck(string source) =>
        Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source, new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(kind: Microsoft.CodeAnalysis.SourceCodeKind.Script))
            .GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>()
            .Any(call => call.Expression.ToString().Replace(" ", "", StringComparison.Ordinal) is var name
                && (name.EndsWith("Check.Exercise", StringComparison.Ordinal) || name.EndsWith("Check.Hidden", StringComparison.Ordinal)));

    private static JsonObject Tagged(JsonObject instructorCell, string role, string? exercise)
    {
        var cell = instructorCell.DeepClone().AsObject();
        if (Code(cell))
        {
            cell["outputs"] = new JsonArray();
            cell["execution_count"] = null;
        }
        Tag(cell, role, exercise);
        return cell;
    }

    /// <summary>A run of a merged notebook as the grader trusts it: the notebook it wrote, and the messages signed on the run's channel.</summary>
    private sealed record GradedRun(JsonObject Merged, IReadOnlyList<ChannelMessage> Messages)
    {
        public bool Ran(int cell) => Messages.Any(m => m.Cell == cell && m.Kind == ChannelMessage.CellDone);

        public string? ErrorOf(int cell) =>
            Messages.Where(m => m.Cell == cell && m.Kind == ChannelMessage.CellDone).Select(m => m.Error == null ? null : PropertyChecks.FirstLine(m.Error)).FirstOrDefault();
    }

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

        public async Task<GradedRun> Run(string name, JsonObject merged)
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
                // A fresh secret each run: the check reports are read only from messages signed with it (CheckChannel).
                string secret = CheckChannel.NewSecret();
                var runOptions = new NotebookRunOptions(scratch, cutByDeadline ? remaining : options.Timeout, (notebook, executed, outcome) =>
                {
                    var start = options.ChildProcess(notebook, executed, outcome);
                    start.ArgumentList.Add("--check-channel");
                    NotebookRunner.ShareCores(start, options.ProcessesAtOnce);
                    return start;
                }) { Pages = false, Sandbox = options.Sandbox, ChannelSecret = secret };
                var report = (await NotebookRunner.RunAsync(new[] { source }, runOptions, TextWriter.Null))[0];
                string log = Path.Combine(scratch, name + ".log");
                var messages = CheckChannel.Read(File.Exists(log) ? await File.ReadAllTextAsync(log) : "", secret);
                // A notebook stops early when a cell runs past the limit, or when the process ends (TorchSharp's matmul ends it
                // on a shape mismatch): the first code cell the channel did not report is the one that stopped it.
                bool crashed = !report.TimedOut && !report.Succeeded && report.FailedCell == null;
                int? stopped = report.TimedOut || crashed ? FirstUnreported(merged, messages) : null;
                bool last = attempt == MaxReruns || (report.TimedOut && cutByDeadline);
                if (stopped is not int index) return new GradedRun(merged, messages);
                if (report.TimedOut && cutByDeadline) StoppedAtDeadline = index;
                var cell = merged["cells"]![index]!.AsObject();
                string why = report.TimedOut
                    ? cutByDeadline ? $"ran past the limit: {DeadlineReason}" : $"ran past the {options.Timeout.TotalMinutes:0.#}-minute limit and was stopped (an endless loop?)"
                    : $"ended the notebook's process: {ProcessEndReason(log)}";
                if (cell["metadata"]?[GradingKey] is JsonObject tag) tag["stopped"] = why;
                if (last) return new GradedRun(merged, messages);
                merged = merged.DeepClone().AsObject();
                cell = merged["cells"]![index]!.AsObject();
                cell["source"] = JupyterOutputs.Lines($"// stopped by the grader: this cell {why}");
            }
        }
    }

    private static int? FirstUnreported(JsonObject notebook, IReadOnlyList<ChannelMessage> messages)
    {
        var cells = notebook["cells"]!.AsArray();
        for (int i = 0; i < cells.Count; i++)
            if ((string?)cells[i]!["cell_type"] == "code" && !messages.Any(m => m.Cell == i && m.Kind == ChannelMessage.CellDone)) return i;
        return null;
    }

    /// <summary>What libtorch said before the process ended ("what(): mat1 and mat2 shapes cannot be multiplied …").</summary>
    private static string ProcessEndReason(string log) =>
        ProcessEndReason(File.Exists(log) ? File.ReadLines(log) : Array.Empty<string>());

    /// <summary>
    /// Why a run's process ended, from its log: libtorch's last words (<c>what(): …</c>) after a plain sentence of
    /// what they mean (<see cref="PlainError"/>), since libtorch ends the process on some errors instead of throwing.
    /// </summary>
    public static string ProcessEndReason(IEnumerable<string> log)
    {
        string? what = log.FirstOrDefault(l => l.TrimStart().StartsWith("what():", StringComparison.Ordinal))?.Trim()[7..].Trim();
        if (what == null) return "it exited without a result";
        return PlainError.Sentence(what) is string plain
            ? $"{plain} (libtorch ended the process instead of throwing: {what})"
            : $"libtorch ended the process instead of throwing: {what}";
    }

    /// <summary>
    /// An exercise's grade from a run: the roles, refusals and stops from the notebook the grader wrote, the check
    /// reports and cell errors from the run's signed channel (never from the executed notebook, which the run could write).
    /// </summary>
    private static ExerciseGrade GradeExercise(CourseNotebook course, Exercise exercise, GradedRun run)
    {
        var cells = run.Merged["cells"]!.AsArray().Select((c, i) => (Cell: c!.AsObject(), Index: i)).ToList();
        var solution = cells.Where(c => Role(c.Cell) == ("solution", exercise.Id)).ToList();
        var checks = cells.Where(c => Role(c.Cell) == ("check", exercise.Id)).Select(c => c.Index).ToHashSet();
        var reports = run.Messages.Where(m => m.Kind == ChannelMessage.CheckReport && checks.Contains(m.Cell) && m.Report != null)
            .Select(m => CheckReport.FromJson(m.Report!))
            .Where(r => r.Exercise == exercise.Id)
            .ToList();
        var passed = reports.SelectMany(r => r.Results.Where(p => p.Passed).Select(p => Label(r, p))).ToList();
        var failed = reports.SelectMany(r => r.Results.Where(p => !p.Passed).Select(p => new FailedProperty(Label(r, p), p.Problem ?? ""))).ToList();
        ExerciseGrade Grade(GradeStatus status, string? error, bool full = false) =>
            new(course.Name, exercise.Id, exercise.Title, full ? exercise.Points : 0, exercise.Points, status, passed, failed, error);

        if (solution.Count == 0)
            return Grade(GradeStatus.Missing, $"no cell starts with the line '{ExerciseMarkers.HeaderStart(exercise.Id).Trim()} …': keep that line at the top of the cell with your solution");
        if (solution.Select(c => c.Cell).Concat(cells.Where(c => checks.Contains(c.Index)).Select(c => c.Cell))
                .Select(c => (string?)c["metadata"]?[GradingKey]?["stopped"]).FirstOrDefault(w => w != null) is string stopped)
            return Grade(stopped.StartsWith("ran past", StringComparison.Ordinal) ? GradeStatus.TimedOut : GradeStatus.Crashed, $"your code {stopped}");
        if (solution.Select(c => c.Cell).FirstOrDefault(c => c["metadata"]?[GradingKey]?["refused"] != null) is { } refusedCell)
            return new ExerciseGrade(course.Name, exercise.Id, exercise.Title, 0, exercise.Points, GradeStatus.NotAccepted, Array.Empty<string>(), Array.Empty<FailedProperty>(),
                $"your cell {(int?)refusedCell["metadata"]![GradingKey]!["student_cell"]} was not run: {(string?)refusedCell["metadata"]![GradingKey]!["refused"]}");
        string? solutionError = solution.Select(c => run.ErrorOf(c.Index)).FirstOrDefault(e => e != null);
        if (reports.Any(r => r.NotImplemented != null))   // every property would say the same: say it once
            return new ExerciseGrade(course.Name, exercise.Id, exercise.Title, 0, exercise.Points, GradeStatus.NotImplemented,
                Array.Empty<string>(), Array.Empty<FailedProperty>(), reports.First(r => r.NotImplemented != null).NotImplemented);
        string? checkError = checks.Select(run.ErrorOf).FirstOrDefault(e => e != null)
            ?? (checks.Any(c => !run.Ran(c)) ? "it did not run" : null);
        // A helper cell the policy refused costs the exercises that needed it: say so where one of them fails.
        int firstSolution = solution.Min(c => c.Index);
        string refusedBefore = string.Concat(cells.Where(c => c.Index < firstSolution && Role(c.Cell).Item1 == "student" && c.Cell["metadata"]?[GradingKey]?["refused"] != null)
            .Take(1).Select(c => $" (your cell {(int?)c.Cell["metadata"]![GradingKey]!["student_cell"]} was not run: {(string?)c.Cell["metadata"]![GradingKey]!["refused"]})"));
        if (solutionError != null) return Grade(GradeStatus.Failed, $"your cell for exercise {exercise.Id} failed: {solutionError}{refusedBefore}");
        if (checkError != null || reports.Count < checks.Count) return Grade(GradeStatus.Failed, $"the check could not run: {checkError ?? "it showed no result"}{refusedBefore}");
        bool allHold = reports.Count > 0 && reports.All(r => r.Passed);
        if (!allHold && reports.Count > 0 && PartialPoints(course, exercise, reports) is int partial and > 0)
            return new ExerciseGrade(course.Name, exercise.Id, exercise.Title, partial, exercise.Points, GradeStatus.PartlyPassed, passed, failed, null);
        return Grade(allHold ? GradeStatus.Passed : GradeStatus.Failed, allHold ? null : refusedBefore.Trim() is { Length: > 0 } note ? note.Trim('(', ')') : null, full: allHold);
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
