using System.Text.Json.Nodes;
using Workbook.Notebooks;
using Workbook.Notebooks.Coursework;
using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Coursework;

/// <summary>The notebook the grader runs for a submission, built on the instructor's notebook, checked without running it.</summary>
public class MergeTests
{
    private static readonly CourseNotebook Course = CourseNotebook.Read(Repository.Notebooks.First(p => Path.GetFileName(p).StartsWith("01-", StringComparison.Ordinal)));

    private static JsonObject StudentVersion01 => NotebookFile.Read(Path.Combine(Repository.NotebookFolder, "exercises", Path.GetFileName(Course.Path)));

    private static List<JsonObject> Cells(JsonObject notebook) => notebook["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();

    private static string Source(JsonObject cell) => JupyterOutputs.Join(cell["source"]);

    private static (string? Role, string? Exercise) Role(JsonObject cell) =>
        ((string?)cell["metadata"]?["workbook_grading"]?["role"], (string?)cell["metadata"]?["workbook_grading"]?["exercise"]);

    private static JsonObject Code(string source, JsonObject? metadata = null) => new()
    {
        ["cell_type"] = "code", ["execution_count"] = null, ["metadata"] = metadata ?? new JsonObject(), ["outputs"] = new JsonArray(), ["source"] = JupyterOutputs.Lines(source),
    };

    private static JsonObject WithCellBefore(JsonObject student, Func<JsonObject, bool> before, JsonObject added)
    {
        var cells = student["cells"]!.AsArray();
        int index = cells.Select((c, i) => (c, i)).First(x => before(x.c!.AsObject())).i;
        cells.Insert(index, added);
        return student;
    }

    private static bool IsExercise(JsonObject cell, string id) => Source(cell).StartsWith($"// Exercise {id} ", StringComparison.Ordinal);

    [Fact]
    public void The_instructors_setup_demonstration_and_check_cells_run_whatever_the_student_did_to_them()
    {
        var student = StudentVersion01;
        foreach (var cell in Cells(student).Where(c => (string?)c["cell_type"] == "code" && !Source(c).StartsWith("// Exercise", StringComparison.Ordinal)))
            cell["source"] = JupyterOutputs.Lines("static void display(object value) { }\nclass Check { }\n" + Source(cell));
        var merged = Cells(Grader.Merge(Course, student));
        var instructor = Cells(Course.Instructor).Where(c => (string?)c["cell_type"] == "code" && !IsExercise(c, "1.1") && !IsExercise(c, "1.2") && !IsExercise(c, "1.3")).Select(Source).ToList();
        var demonstrated = merged.Where(c => Role(c).Role is "setup" or "demonstration" or "check").Select(Source).ToList();
        Assert.Equal(instructor.Skip(1), demonstrated.Skip(1));   // the setup cell's library path is made absolute
        // The check cells name everything from the global namespace: a student's display or Check cannot stand in.
        foreach (var check in merged.Where(c => Role(c).Role == "check"))
            foreach (string line in Source(check).Split('\n').Where(l => l.Contains("Check.", StringComparison.Ordinal) && !l.TrimStart().StartsWith("//", StringComparison.Ordinal)))
                Assert.StartsWith("global::Microsoft.DotNet.Interactive.Kernel.display(global::Workbook.Coursework.Check.", line.TrimStart());
    }

    [Fact]
    public void A_cell_the_student_added_runs_where_they_put_it_relative_to_the_exercise_cells()
    {
        var student = StudentVersion01;
        // Claims to be a check cell in its metadata, and mentions Check.Exercise in a comment: still the student's helper.
        WithCellBefore(student, c => IsExercise(c, "1.2"),
            Code("// my helper for Filter; the grader calls Check.Exercise(\"1.2\", …) itself\nstatic long Twice(long k) => 2 * k;",
                new JsonObject { ["workbook_grading"] = new JsonObject { ["role"] = "check", ["exercise"] = "1.2" } }));
        student["cells"]!.AsArray().Add(Code("Console.WriteLine(\"the end\");"));
        var merged = Cells(Grader.Merge(Course, student));
        int helper = merged.FindIndex(c => Source(c).Contains("Twice", StringComparison.Ordinal));
        Assert.True(helper >= 0, "the helper cell was dropped");
        Assert.Equal(("student", null), Role(merged[helper]));
        Assert.Equal(("solution", "1.2"), Role(merged[helper + 1]));
        Assert.Equal("Console.WriteLine(\"the end\");", Source(merged.Last()));
        Assert.Null(merged[helper]["metadata"]!["workbook_grading"]!["refused"]);
    }

    [Fact]
    public void A_cell_using_a_refused_api_is_replaced_by_a_comment_naming_the_line_and_the_api()
    {
        var student = StudentVersion01;
        var shift = Cells(student).First(c => IsExercise(c, "1.1"));
        shift["source"] = JupyterOutputs.Lines("// Exercise 1.1 (2 points): write Shift\nstatic Tensor Shift(Tensor x, long k) =>\n    Workbook.Signals.ShiftOperator.Shift(x, k);");
        var merged = Cells(Grader.Merge(Course, student));

        var solution = merged.Single(c => Role(c) == ("solution", "1.1"));
        Assert.Equal("line 3 uses Workbook.Signals.ShiftOperator.Shift: it is the library's answer to exercise 1.1: write it yourself",
            (string?)solution["metadata"]!["workbook_grading"]!["refused"]);
        Assert.StartsWith("// not run by the grader: line 3 uses Workbook.Signals.ShiftOperator.Shift", Source(solution));
        Assert.DoesNotContain("ShiftOperator.Shift(x, k)", Source(solution));
    }

    [Fact]
    public void An_alias_inside_a_helper_is_judged_by_what_it_names()
    {
        var student = StudentVersion01;
        WithCellBefore(student, c => IsExercise(c, "1.2"), Code("using W = System.IO.File;\nstatic void Save(string text) => W.WriteAllText(\"x.txt\", text);"));
        var helper = Cells(Grader.Merge(Course, student)).Single(c => Role(c).Role == "student");
        Assert.Equal("line 2 uses System.IO.File.WriteAllText: files are not available to exercises", (string?)helper["metadata"]!["workbook_grading"]!["refused"]);
    }

    [Fact]
    public void The_model_solutions_are_accepted_and_run_as_the_students()
    {
        var merged = Cells(Grader.Merge(Course, Course.Instructor.DeepClone().AsObject()));
        Assert.Equal(3, merged.Count(c => Role(c).Role == "solution"));
        Assert.All(merged, c => Assert.Null(c["metadata"]?["workbook_grading"]?["refused"]));
        Assert.DoesNotContain(merged, c => Role(c).Role == "student");   // the student's copies of the instructor's cells are not added cells
    }

    [Fact]
    public void An_earlier_notebooks_exercise_cell_pasted_whole_into_the_kits_earlier_work_cell_is_read_and_gives_way_to_the_reference()
    {
        // The kit's notebook 02 asks for the student's Shift; a student who copies the whole cell of notebook 01, its
        // "// Exercise 1.1" header too, has not made notebook 02 unreadable.
        var course02 = CourseNotebook.Read(Repository.Notebooks.First(p => Path.GetFileName(p).StartsWith("02-", StringComparison.Ordinal)));
        string kit02 = Path.Combine(Repository.NotebookFolder, "exercises", Path.GetFileName(course02.Path));
        var student = NotebookFile.Read(kit02);
        var earlier = Cells(student).First(c => Source(c).StartsWith(StudentKit.EarlierWorkLine, StringComparison.Ordinal) && Source(c).Contains("Exercise 1.1", StringComparison.Ordinal));
        earlier["source"] = JupyterOutputs.Lines("// Exercise 1.1 (2 points): write Shift\nstatic Tensor Shift(Tensor x, long k) => x; // pasted from notebook 01");
        string pasted = Path.Combine(Directory.CreateTempSubdirectory("workbook-merge-").FullName, Path.GetFileName(kit02));
        NotebookFile.Write(pasted, student);
        var allExercises = Grader.Course(Repository.NotebookFolder).SelectMany(c => c.Exercises).Select(e => e.Id).ToHashSet();

        var refused = Assert.Throws<InvalidDataException>(() => StudentNotebook.Read(pasted, course02));   // without the course: a stray header
        Assert.Contains("exercise 1.1", refused.Message);
        var read = StudentNotebook.Read(pasted, course02, allExercises);
        var merged = Cells(Grader.Merge(course02, read));

        Assert.DoesNotContain(merged, c => Source(c).Contains("pasted from notebook 01", StringComparison.Ordinal));
        Directory.Delete(Path.GetDirectoryName(pasted)!, recursive: true);
    }
}
