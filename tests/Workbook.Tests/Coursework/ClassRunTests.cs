using System.Diagnostics;
using System.Text.Json.Nodes;
using Workbook.Notebooks.Coursework;
using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Coursework;

/// <summary>
/// A class run that always finishes: broken, hostile and oddly named submissions, each costing only itself, with grades
/// for everyone, CSV a spreadsheet cannot be tricked by, and nothing of the instructor's under --out. The notebooks
/// "run" in <see cref="ShellKernel"/>, so no .NET kernel starts and these tests take seconds.
/// </summary>
public sealed class ClassRunTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("workbook-classrun-").FullName;

    private string Class => Path.Combine(folder, "class");

    private string Output => Path.Combine(folder, "grades");

    private string Work => Directory.CreateDirectory(Path.Combine(folder, "work")).FullName;

    public void Dispose()
    {
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private string Submit(string submission, string? fileName = null, string? text = null, JsonObject? notebook = null, string? under = null)
    {
        string at = Path.Combine(under ?? Class, submission);
        Directory.CreateDirectory(at);
        if (fileName != null)
        {
            string path = Path.Combine(at, fileName);
            if (notebook != null) NotebookFile.Write(path, notebook);
            else File.WriteAllText(path, text ?? "");
        }
        return at;
    }

    private static string CodeCell(string source) =>
        new JsonObject
        {
            ["cells"] = new JsonArray(new JsonObject { ["cell_type"] = "code", ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(), ["source"] = source }),
            ["metadata"] = new JsonObject(),
        }.ToJsonString();

    /// <summary>The notebook with a cell of the student's own that says <paramref name="text"/> (the grader keeps a student's added code cells).</summary>
    private static JsonObject WithOwnCell(JsonObject notebook, string text)
    {
        notebook["cells"]!.AsArray().Insert(1, new JsonObject { ["cell_type"] = "code", ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(), ["source"] = "// " + text });
        return notebook;
    }

    private static IReadOnlyList<SubmissionGrade> Grade(IReadOnlyList<string> submissions, GradingOptions options, int jobs = 2) =>
        ClassRun.GradeAsync(submissions, options, jobs, TextWriter.Null).GetAwaiter().GetResult();

    private JsonObject GradesJson(string submission) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Output, "grades.json")))!["submissions"]!.AsArray()
            .Single(s => (string?)s!["submission"] == submission)!.AsObject();

    [Fact]
    public void Broken_notebooks_cost_only_their_student_who_is_marked_not_readable_with_the_file_named()
    {
        var (name01, instructor01) = ShellKernel.Notebook01();
        var submissions = new List<string>
        {
            Submit("honest", name01, notebook: WithOwnCell(instructor01, "honest student's notebook")),
            Submit("cells-null", name01, """{"cells": [null], "metadata": {}}"""),
            Submit("numeric-source", name01, """{"cells": [{"cell_type": "code", "source": 42, "metadata": {}, "outputs": []}], "metadata": {}}"""),
            Submit("header-comment", name01, CodeCell("// Exercise 9.9 (1 point): a comment shaped like a header\nint x = 1;")),
            Submit("huge-points", name01, CodeCell("// Exercise 1.1 (99999999999 points): the shift operator\nint x = 1;")),
            Submit("not-json", name01, "{ this is not json"),
            Submit("symlink-zero"), Submit("symlink-instructor"), Submit("fifo"), Submit("oversized"),
        };
        File.CreateSymbolicLink(Path.Combine(Class, "symlink-zero", name01), "/dev/zero");
        File.CreateSymbolicLink(Path.Combine(Class, "symlink-instructor", name01), Path.Combine(Repository.NotebookFolder, name01));
        Assert.Equal(0, Repository.Run("mkfifo", [Path.Combine(Class, "fifo", name01)], folder, TimeSpan.FromSeconds(30)).ExitCode);
        using (var sparse = new FileStream(Path.Combine(Class, "oversized", name01), FileMode.CreateNew)) sparse.SetLength(238L * 1024 * 1024);
        var kernel = new ShellKernel();

        var grades = Grade(submissions, kernel.Options(Output, Work));

        Assert.Equal(submissions.Count, grades.Count);
        var honest = GradesJson("honest");
        Assert.All(honest["exercises"]!.AsArray().Where(e => ((string?)e!["exercise"])!.StartsWith("1.", StringComparison.Ordinal)),
            e => Assert.Equal("failed", (string?)e!["status"]));   // it ran (in the shell kernel, whose C# shows nothing)
        foreach (string broken in submissions.Skip(1).Select(Path.GetFileName)!)
        {
            var exercises = GradesJson(broken!)["exercises"]!.AsArray().Where(e => ((string?)e!["exercise"])!.StartsWith("1.", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(exercises);
            Assert.All(exercises, e =>
            {
                Assert.True((string?)e!["status"] == "not readable", $"{broken}: {e.ToJsonString()}");
                Assert.Contains(name01, (string?)e["error"]);
            });
        }
        Assert.NotEmpty(kernel.Ran);
        Assert.All(kernel.Ran, notebook => Assert.Contains("honest student's notebook", notebook));   // no broken one reached a kernel
        Assert.Empty(Directory.GetFileSystemEntries(Work));   // the work files are gone
    }

    [Fact]
    public void Each_named_problem_is_said_in_the_reason()
    {
        var (name01, _) = ShellKernel.Notebook01();
        var submissions = new List<string> { Submit("symlink"), Submit("oversized"), Submit("header"), Submit("nulls", name01, """{"cells": [null]}""") };
        File.CreateSymbolicLink(Path.Combine(Class, "symlink", name01), "/dev/zero");
        using (var sparse = new FileStream(Path.Combine(Class, "oversized", name01), FileMode.CreateNew)) sparse.SetLength(238L * 1024 * 1024);
        File.WriteAllText(Path.Combine(Class, "header", name01), CodeCell("// Exercise 9.9 (1 point): not an exercise of the course"));

        Grade(submissions, new ShellKernel().Options(Output, Work));

        string Reason(string submission) => (string)GradingFixture.Exercise(GradesJson(submission), "1.1")["error"]!;
        Assert.Contains("symbolic link", Reason("symlink"));
        Assert.Contains("238 MB", Reason("oversized"));
        Assert.Contains("exercise 9.9", Reason("header"));
        Assert.Contains("cell 1 is not a cell", Reason("nulls"));
    }

    [Fact]
    public void Names_that_clash_with_the_output_files_or_each_other_get_distinct_ids_and_everyone_is_graded()
    {
        var (name01, instructor01) = ShellKernel.Notebook01();
        var submissions = new List<string>
        {
            Submit("alice", name01, notebook: instructor01, under: Path.Combine(folder, "section-a")),
            Submit("alice", under: Path.Combine(folder, "section-b")),
            Submit("grades.csv"),
            Submit("GRADES.JSON"),
        };

        var grades = Grade(submissions, new ShellKernel().Options(Output, Work));

        var ids = grades.Select(g => g.Submission).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal("alice", ids[0]);
        Assert.DoesNotContain(ids, id => SubmissionNames.Reserved.Contains(id));
        Assert.True(File.Exists(Path.Combine(Output, "grades.csv")) && !Directory.Exists(Path.Combine(Output, "grades.csv")));
        foreach (string id in ids) Assert.True(File.Exists(Path.Combine(Output, id, "feedback.html")), id);
        Assert.Equal("failed", (string?)GradingFixture.Exercise(GradesJson(ids[0]), "1.1")["status"]);        // the first alice's notebook ran
        Assert.Equal("not submitted", (string?)GradingFixture.Exercise(GradesJson(ids[1]), "1.1")["status"]);  // the second's own grade, not the first's
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1", "\"'+1\"")]
    [InlineData("-2", "\"'-2\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("\tcmd", "\"'\tcmd\"")]
    [InlineData("two\r\nlines\rand\nmore", "\"two lines and more\"")]
    [InlineData("plain, with comma", "\"plain, with comma\"")]
    public void A_csv_cell_is_quoted_and_cannot_start_a_formula_or_a_new_row(string value, string cell) =>
        Assert.Equal(cell, GradeReport.Field(value));

    [Fact]
    public void Student_html_in_answers_names_and_errors_is_shown_as_text_on_the_feedback_page()
    {
        const string script = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        var grade = new SubmissionGrade("<b>" + script,
            [new ExerciseGrade("01", "1.1", "shift", 0, 2, GradeStatus.Failed, ["ok " + script], [new FailedProperty(script, script)], script, script)],
            [new WrittenAnswer("01", "1.1", "why?", script)], 1);

        string page = GradeReport.Feedback(grade);

        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;b&gt;", page);   // the name, as text
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page);
    }

    [Fact]
    public void Submission_names_with_formulas_or_line_breaks_stay_one_cell_of_one_row()
    {
        var submissions = new[] { "=1+2", "+cmd", "@x", "line\rbreak", "new\nline" }.Select(n => Submit(n)).ToList();

        Grade(submissions, new ShellKernel().Options(Output, Work));

        var rows = File.ReadAllText(Path.Combine(Output, "grades.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int exercises = Grader.Course(Repository.NotebookFolder).Sum(c => c.Exercises.Count);
        Assert.Equal(1 + submissions.Count * exercises, rows.Length);
        Assert.DoesNotContain('\r', string.Concat(rows));
        Assert.All(rows.Skip(1), row =>
        {
            Assert.StartsWith("\"", row);
            Assert.DoesNotMatch("^\"[=+\\-@]", row);
        });
    }

    [Fact]
    public void Nothing_of_the_instructors_solutions_or_hidden_checks_reaches_the_output()
    {
        var (name01, instructor01) = ShellKernel.Notebook01();
        var blank = NotebookFile.Read(Path.Combine(Repository.NotebookFolder, "exercises", name01));
        var submissions = new List<string> { Submit("instructor", name01, notebook: instructor01), Submit("blank", name01, notebook: blank) };
        foreach (string notebook in Repository.Notebooks)
            File.Copy(notebook, Path.Combine(submissions[0], Path.GetFileName(notebook)), overwrite: true);

        // Every code cell "throws" the whole notebook it ran in, with the model solutions and hidden checks.
        Grade(submissions, new ShellKernel { Leak = true }.Options(Output, Work));

        var files = Directory.GetFiles(Output, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Output, f).Replace('\\', '/')).Order().ToList();
        Assert.Equal(new[] { "blank/feedback.html", "grades.csv", "grades.json", "instructor/feedback.html" }, files);
        string everything = string.Concat(files.Select(f => File.ReadAllText(Path.Combine(Output, f))));
        var secrets = SecretLines().ToList();
        Assert.True(secrets.Count > 20, $"only {secrets.Count} distinctive lines found: is the region marker still {ExerciseMarkers.BeginSolution}?");
        foreach (string line in secrets)
        {
            Assert.DoesNotContain(line, everything);
            Assert.DoesNotContain(System.Net.WebUtility.HtmlEncode(line), everything);
            Assert.DoesNotContain(System.Text.Json.JsonSerializer.Serialize(line)[1..^1], everything);
        }
        Assert.Empty(Directory.GetFileSystemEntries(Work));
    }

    /// <summary>Lines of the model solutions and hidden checks (code between the region markers) that the handout does not show.</summary>
    private static IEnumerable<string> SecretLines()
    {
        var visible = new HashSet<string>(Directory.GetFiles(Path.Combine(Repository.NotebookFolder, "exercises"), "*.ipynb")
            .SelectMany(f => NotebookFile.Read(f)["cells"]!.AsArray())
            .SelectMany(c => string.Concat(c!["source"]!.AsArray().Select(l => (string?)l)).Split('\n').Select(l => l.Trim())), StringComparer.Ordinal);
        foreach (string notebook in Repository.Notebooks)
            foreach (var cell in NotebookFile.Read(notebook)["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code"))
            {
                bool inside = false;
                foreach (string line in string.Concat(cell!["source"]!.AsArray().Select(l => (string?)l)).Split('\n').Select(l => l.Trim()))
                {
                    if (line is ExerciseMarkers.BeginSolution or ExerciseMarkers.BeginHidden) { inside = true; continue; }
                    if (line is ExerciseMarkers.EndSolution or ExerciseMarkers.EndHidden) { inside = false; continue; }
                    if (inside && line.Length >= 24 && !visible.Contains(line)) yield return line;
                }
            }
    }

    [Fact]
    public void A_submission_past_its_time_limit_is_stopped_and_the_class_goes_on()
    {
        var (name01, _) = ShellKernel.Notebook01();
        var submissions = new List<string> { Submit("sleeper", name01, notebook: ShellKernel.WithShellCell("sleep 600")), Submit("absent") };

        var grades = Grade(submissions, new ShellKernel().Options(Output, Work, submissionTimeout: TimeSpan.FromSeconds(5)));

        var exercise = GradingFixture.Exercise(GradesJson("sleeper"), "1.1");
        Assert.Equal("timed out", (string?)exercise["status"]);
        Assert.Contains("submission ran past its", (string?)exercise["error"]);
        Assert.Equal("not submitted", (string?)GradingFixture.Exercise(GradesJson("absent"), "1.1")["status"]);
    }

    [Fact]
    public void A_process_that_holds_the_output_open_does_not_hold_up_grading_and_huge_output_is_capped()
    {
        var (name01, _) = ShellKernel.Notebook01();
        string pidFile = Path.Combine(folder, "holder.pid");
        var submissions = new List<string>
        {
            Submit("holder", name01, notebook: ShellKernel.WithShellCell($"setsid sleep 300 & echo $! > {pidFile}")),
            Submit("loud", name01, notebook: ShellKernel.WithShellCell("head -c 1200000000 /dev/zero")),
        };

        var grades = Grade(submissions, new ShellKernel().Options(Output, Work));

        int holder = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            Assert.False(Process.GetProcessById(holder).HasExited, "the holder should still be running: grading did not wait for it");
            Assert.All(grades, g => Assert.Equal("failed", g.Exercises.Single(e => e.Exercise == "1.1").Status.Word()));
        }
        finally { try { Process.GetProcessById(holder).Kill(); } catch (ArgumentException) { } }
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(1, false)]
    public void The_notebooks_of_a_single_submission_run_side_by_side_when_the_jobs_allow(int jobs, bool together)
    {
        // Each notebook's run leaves a mark and waits a while for the other's: they meet only when they run at once.
        string marks = Directory.CreateDirectory(Path.Combine(folder, "marks")).FullName;
        string Meeting(string me, string other) =>
            $"touch {marks}/{me}; for i in $(seq 1 {(together ? 300 : 20)}); do [ -e {marks}/{other} ] && echo met > {marks}/{me}.result && exit; sleep 0.1; done; echo alone > {marks}/{me}.result";
        var (name01, notebook01) = ShellKernel.Instructor("01");
        var (name02, notebook02) = ShellKernel.Instructor("02");
        string student = Submit("student", name01, notebook: ShellKernel.WithShellCell(Meeting("01", "02"), notebook01));
        NotebookFile.Write(Path.Combine(student, name02), ShellKernel.WithShellCell(Meeting("02", "01"), notebook02));

        Grade([student], new ShellKernel().Options(Output, Work), jobs);

        // One after the other, notebook 01 waits in vain and 02 finds 01's mark left behind.
        Assert.Equal(together ? "met" : "alone", File.ReadAllText(Path.Combine(marks, "01.result")).Trim());
        Assert.Equal("met", File.ReadAllText(Path.Combine(marks, "02.result")).Trim());
    }
}
