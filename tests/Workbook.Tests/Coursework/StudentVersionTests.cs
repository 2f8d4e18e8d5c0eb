using System.Text.Json.Nodes;
using Workbook.Notebooks;
using Workbook.Notebooks.Coursework;
using Workbook.Tests.Notebooks;
using Workbook.Coursework;

namespace Workbook.Tests.Coursework;

/// <summary>The student versions and the grader's merge, checked without running a kernel.</summary>
public class StudentVersionTests
{
    private static string ExercisesFolder => Path.Combine(Repository.NotebookFolder, "exercises");

    private static IEnumerable<string> Sources(JsonObject notebook) =>
        notebook["cells"]!.AsArray().Select(c => JupyterOutputs.Join(c!["source"]));

    [Fact]
    public void The_committed_student_notebooks_are_what_the_exercises_verb_generates()
    {
        string generated = Directory.CreateTempSubdirectory("workbook-exercises-").FullName;
        // The kit's notebooks load the library from the kit's own package folder, so where they are written changes nothing.
        var written = StudentVersion.WriteAll(Repository.NotebookFolder, generated);
        Assert.Equal(Repository.Notebooks.Count(StudentKit.InKit), written.Count);
        foreach (string path in written)
        {
            string committedPath = Path.Combine(ExercisesFolder, Path.GetFileName(path));
            Assert.True(File.Exists(committedPath), $"{committedPath} is missing: run ./run.sh exercises");
            Assert.True(JsonNode.DeepEquals(NotebookFile.Read(path), NotebookFile.Read(committedPath)),
                $"{committedPath} differs from what `./run.sh exercises` writes: run it and commit the result");
        }
        Directory.Delete(generated, recursive: true);
    }

    [Fact]
    public void Student_notebooks_hold_stubs_prompts_and_no_solutions_hidden_checks_or_outputs()
    {
        foreach (string instructorPath in Repository.Notebooks.Where(StudentKit.InKit))
        {
            var course = CourseNotebook.Read(instructorPath);
            var student = NotebookFile.Read(Path.Combine(ExercisesFolder, Path.GetFileName(instructorPath)));
            string all = string.Join("\n", Sources(student));
            Assert.DoesNotContain("BEGIN SOLUTION", all);
            Assert.DoesNotContain("HIDDEN CHECKS", all);
            Assert.DoesNotContain("Check.Hidden", all);
            foreach (var exercise in course.Exercises)
                Assert.Contains($"throw new NotImplementedException(\"Exercise {exercise.Id}: {exercise.Title}\");", all);
            foreach (var question in course.Questions)
                Assert.Contains(Sources(student), s => s.Contains($"**Question {question.Id}**") && s.Contains(ExerciseMarkers.AnswerPrompt));
            foreach (var cell in student["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code"))
            {
                Assert.Empty(cell!["outputs"]!.AsArray());
                Assert.Null(cell["execution_count"]);
            }
            // The library comes from the kit's package folder, never from this repository's build.
            Assert.Equal(StudentKit.PackageSourceCell, Sources(student).First());
            string setup = Sources(student).ElementAt(1);
            Assert.Contains($"#r \"nuget: {StudentKit.PackageId}, {StudentKit.PackageVersion}\"", setup);
            Assert.DoesNotContain("src/Workbook/bin", all);
            Assert.DoesNotContain("(instructor only", all);
            Assert.DoesNotContain(StudentVersion.InstructorOnlyCell, all);
        }
    }

    [Fact]
    public void The_instructor_notebooks_declare_every_exercise_of_the_lab_with_points_and_questions()
    {
        var courses = Repository.Notebooks.Select(CourseNotebook.Read).ToList();
        var ids = courses.SelectMany(c => c.Exercises).Select(e => e.Id).ToList();
        Assert.Equal(new[] { "1.1", "1.2", "1.3", "2.1", "3.1", "4.1", "4.2" }, ids.Order(StringComparer.Ordinal));
        Assert.All(courses.SelectMany(c => c.Exercises), e => Assert.True(e.Points > 0 && e.CheckCells.Count > 0, e.Id));
        Assert.All(courses, c => Assert.InRange(c.Questions.Count, 3, 5));
        // Every check cell has visible and hidden checks.
        foreach (var course in courses)
            foreach (var exercise in course.Exercises)
            {
                string check = string.Join("\n", exercise.CheckCells.Select(i => JupyterOutputs.Join(course.Instructor["cells"]![i]!["source"])));
                Assert.Contains($"Check.Exercise(\"{exercise.Id}\"", check);
                Assert.Contains($"Check.Hidden(\"{exercise.Id}\"", check);
            }
    }

    [Fact]
    public void Markers_that_do_not_pair_up_are_refused_with_the_cell_named()
    {
        var open = Assert.Throws<InvalidDataException>(() => StudentVersion.StudentCode("// Exercise 9.9 (1 point): x\nvoid F()\n{\n    // BEGIN SOLUTION\n}", "nb, cell 3"));
        Assert.Contains("nb, cell 3", open.Message);
        Assert.Contains("never closed", open.Message);
        var headerless = Assert.Throws<InvalidDataException>(() => StudentVersion.StudentCode("// BEGIN SOLUTION\nint x = 1;\n// END SOLUTION", "nb, cell 4"));
        Assert.Contains("without a header line", headerless.Message);
        Assert.Equal("// Exercise 9.9 (1 point): do it\nint F()\n{\n    throw new NotImplementedException(\"Exercise 9.9: do it\");\n}",
            StudentVersion.StudentCode("// Exercise 9.9 (1 point): do it\nint F()\n{\n    // BEGIN SOLUTION\n    return 1;\n    // END SOLUTION\n}", "nb"));
        Assert.Equal("Q\n\nYour answer:\n", StudentVersion.StudentMarkdown("Q\n\n<!-- BEGIN SOLUTION -->\nA model answer.\n<!-- END SOLUTION -->\n", "nb"));
    }

    [Fact]
    public void The_grader_runs_the_instructors_checks_whatever_the_student_did_to_the_check_cells()
    {
        foreach (string path in Repository.Notebooks.Where(StudentKit.InKit))
        {
            var course = CourseNotebook.Read(path);
            var student = NotebookFile.Read(Path.Combine(ExercisesFolder, Path.GetFileName(path)));
            var withChecks = Grader.Merge(course, student);

            var withoutChecks = student.DeepClone().AsObject();
            var kept = withoutChecks["cells"]!.AsArray().Where(c => !JupyterOutputs.Join(c!["source"]).Contains("Check.Exercise(")).Select(c => c!.DeepClone()).ToArray();
            withoutChecks["cells"] = new JsonArray(kept);
            // The same notebook runs; only the student's cell numbers, which the feedback quotes, move.
            Assert.True(JsonNode.DeepEquals(WithoutCellNumbers(withChecks), WithoutCellNumbers(Grader.Merge(course, withoutChecks))),
                $"{course.Name}: deleting the check cells changed what is graded");

            // A check cell edited into something else is the student's cell now; the instructor's checks still run, unchanged.
            var edited = student.DeepClone().AsObject();
            foreach (var cell in edited["cells"]!.AsArray().Where(c => JupyterOutputs.Join(c!["source"]).Contains("Check.Exercise(")))
                cell!["source"] = JupyterOutputs.Lines("Console.WriteLine(\"all good\"); // Check.Exercise(\"1.1\", nothing)");
            Assert.Equal(ChecksOf(withChecks), ChecksOf(Grader.Merge(course, edited)));

            string merged = string.Join("\n", Sources(withChecks));
            foreach (var exercise in course.Exercises) Assert.Contains($"Check.Hidden(\"{exercise.Id}\"", merged);
            Assert.Contains(Path.Combine(Repository.Root, "src", "Workbook", "bin").Replace('\\', '/'), Sources(withChecks).First());
        }
    }

    private static JsonObject WithoutCellNumbers(JsonObject merged)
    {
        var copy = merged.DeepClone().AsObject();
        foreach (var cell in copy["cells"]!.AsArray()) (cell!["metadata"]?["workbook_grading"] as JsonObject)?.Remove("student_cell");
        return copy;
    }

    private static IReadOnlyList<string> ChecksOf(JsonObject merged) =>
        merged["cells"]!.AsArray().Where(c => (string?)c!["metadata"]?["workbook_grading"]?["role"] == "check").Select(c => c!.ToJsonString()).ToList();
}
