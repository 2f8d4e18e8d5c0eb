using Workbook.Coursework;
using Workbook.Notebooks.Coursework;
using Workbook.Tests.Checks;

namespace Workbook.Tests.Coursework;

/// <summary>Partial credit: a header declares point groups, and each check names the group of its properties.</summary>
public class PointGroupTests
{
    [Fact]
    public void A_header_with_point_groups_keeps_its_exercise_and_gives_the_groups()
    {
        const string cell = "// Exercise 4.1 (4 points: 3 training, 1 reporting): write the training loop\nList<EpochLosses> Train(…)";
        Assert.Equal(("4.1", 4, "write the training loop"), ExerciseMarkers.Header(cell));
        Assert.Equal(new[] { ("training", 3), ("reporting", 1) }, ExerciseMarkers.PointGroups(cell));
        Assert.Empty(ExerciseMarkers.PointGroups("// Exercise 1.1 (2 points): write Shift"));
    }

    [Fact]
    public void Groups_that_do_not_add_up_to_the_points_are_refused_naming_the_exercise()
    {
        var e = Assert.Throws<InvalidDataException>(() => ExerciseMarkers.PointGroups("// Exercise 4.1 (4 points: 2 training, 1 reporting): write it"));
        Assert.Contains("exercise 4.1", e.Message);
        Assert.Contains("add up to 3, not 4", e.Message);
    }

    [Fact]
    public void Every_property_of_a_grouped_exercise_names_a_group_the_notebook_header_declares()
    {
        var notebook = CourseNotebook.Read(Path.Combine(Workbook.Tests.Repository.NotebookFolder, "01-shift-register-convolution-and-single-channel-cnn.ipynb"));
        var exercise = notebook.Exercises.Single(e => e.Id == "1.3");
        var declared = ExerciseMarkers.PointGroups(Workbook.Notebooks.JupyterOutputs.Join(notebook.Instructor["cells"]![exercise.Cell]!["source"])).Select(g => g.Group).ToHashSet();
        var results = Check.Exercise("1.3", LibraryAnswers.Layer, LibraryAnswers.Cnn).Results.Concat(Check.Hidden("1.3", LibraryAnswers.Layer, LibraryAnswers.Cnn).Results).ToList();
        Assert.All(results, r => Assert.Contains(r.Group!, declared));
        Assert.Equal(declared, results.Select(r => r.Group!).ToHashSet());
    }

    [Fact]
    public void The_group_travels_with_the_report_to_the_grader()
    {
        var report = Check.Exercise("1.3", LibraryAnswers.Layer, LibraryAnswers.Cnn);
        Assert.Equal(report.Results.Select(r => r.Group), CheckReport.FromJson(report.ToJson()).Results.Select(r => r.Group));
    }
}
