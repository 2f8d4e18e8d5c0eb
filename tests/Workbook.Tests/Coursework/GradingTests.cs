using System.Text.Json.Nodes;
using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Coursework;

/// <summary>
/// Validation like nbgrader's: full marks for the instructor, zero for the student version, exactly one exercise lost
/// per stubbed region, planted mistakes caught by name, check cells that cannot be cheated, endless loops stopped.
/// In the "Notebooks" collection: it runs notebooks too, so it must not compete with them for the two cores.
/// </summary>
[Collection("Notebooks")]
public class GradingTests(GradingFixture grading)
{
    private static readonly string[] AllExercises = { "1.1", "1.2", "1.3", "2.1", "3.1", "4.1", "4.2" };

    private static string NotebookOf(string exercise) => exercise[0] switch { '1' => "01", '2' => "02", '3' => "03", _ => "04" };

    [Fact]
    public void Grading_a_class_runs_and_writes_csv_json_and_a_feedback_page_per_submission()
    {
        Assert.True(grading.Result.ExitCode == 0, grading.Describe(grading.Result));
        string csv = File.ReadAllText(Path.Combine(grading.Output, "grades.csv"));
        Assert.StartsWith("submission,exercise,points,max,status\n", csv);
        foreach (string submission in Directory.GetDirectories(grading.Class).Select(d => Path.GetFileName(d)!).Where(n => n != "grades" && n != "endless" && n != "endless-grades"))
        {
            Assert.Contains($"\n\"{submission}\",\"1.1\",", csv);
            Assert.True(File.Exists(Path.Combine(grading.Output, submission, "feedback.html")), submission);
            Assert.Contains($"{submission}: ", grading.Result.Output);   // one line of progress per submission
        }
    }

    [Fact]
    public void The_instructor_notebooks_score_full_marks()
    {
        var grades = grading.Grades("instructor");
        Assert.True((int)grades["total"]! == (int)grades["max"]! && (int)grades["max"]! > 0, grades.ToJsonString());
        Assert.All(AllExercises, id => Assert.Equal("passed", (string?)GradingFixture.Exercise(grades, id)["status"]));
    }

    [Fact]
    public void The_student_notebooks_score_zero_with_every_exercise_not_implemented()
    {
        var grades = grading.Grades("blank");
        Assert.Equal(0, (int)grades["total"]!);
        foreach (string id in AllExercises)
        {
            var exercise = GradingFixture.Exercise(grades, id);
            Assert.Equal("not implemented", (string?)exercise["status"]);
            Assert.StartsWith($"Exercise {id}:", (string?)exercise["error"]);
        }
        Assert.Contains("Your answer", File.ReadAllText(Path.Combine(grading.Output, "blank", "feedback.html")) + "Your answer");
    }

    [Fact]
    public void Stubbing_one_solution_region_loses_exactly_that_exercise()
    {
        foreach (string id in AllExercises)
        {
            var grades = grading.Grades($"stub-{id}");
            foreach (string other in AllExercises)
            {
                var exercise = GradingFixture.Exercise(grades, other);
                if (other == id)
                {
                    Assert.Equal(0, (int)exercise["points"]!);
                    Assert.Equal("not implemented", (string?)exercise["status"]);
                }
                else if (NotebookOf(other) == NotebookOf(id))
                    Assert.True((string?)exercise["status"] == "passed", $"stub-{id}: exercise {other} should keep its points: {exercise.ToJsonString()}");
                else
                    Assert.Equal("not submitted", (string?)exercise["status"]);
            }
        }
    }

    [Theory]
    [InlineData("bug-roll", "1.1", "each row of a batch", 0)]
    [InlineData("bug-k-plus-one", "1.2", "the impulse response is the taps", 0)]
    [InlineData("bug-transposed", "2.1", "the output is Y = Σ_k (S^k X) H_k", 0)]
    [InlineData("bug-tanh-last", "3.1", "the output is layer L(tanh", 0)]
    // 4.1 declares "(4 points: 3 training, 1 reporting)": a loop that forgets zero_grad() still reports its losses right.
    [InlineData("bug-no-zero-grad", "4.1", "the gradients are cleared before each backward pass", 1)]
    public void A_planted_mistake_loses_its_exercise_and_the_feedback_names_the_property(string submission, string id, string property, int keptPoints)
    {
        var grades = grading.Grades(submission);
        var exercise = GradingFixture.Exercise(grades, id);
        Assert.Equal(keptPoints, (int)exercise["points"]!);
        Assert.Equal(keptPoints == 0 ? "failed" : "partly passed", (string?)exercise["status"]);
        Assert.Contains(exercise["failed"]!.AsArray(), f => ((string?)f!["property"])!.StartsWith(property, StringComparison.Ordinal));
        string feedback = File.ReadAllText(Path.Combine(grading.Output, submission, "feedback.html"));
        Assert.Contains(System.Net.WebUtility.HtmlEncode(property), feedback);
    }

    [Fact]
    public void Code_that_ends_the_notebooks_process_costs_its_exercise_and_says_why()
    {
        var exercise = GradingFixture.Exercise(grading.Grades("bug-crash"), "2.1");
        Assert.Equal("crashed", (string?)exercise["status"]);
        Assert.Contains("shapes cannot be multiplied", (string?)exercise["error"]);
    }

    [Fact]
    public void Mistakes_cost_only_the_exercises_they_break()
    {
        // A wrong Shift breaks Filter and the CNN, which use it; they are checked again with the model Shift and keep their points.
        var roll = grading.Grades("bug-roll");
        Assert.Equal("passed", (string?)GradingFixture.Exercise(roll, "1.2")["status"]);
        Assert.Contains("model solution of exercise 1.1", (string?)GradingFixture.Exercise(roll, "1.2")["note"]);
        Assert.Equal("passed", (string?)GradingFixture.Exercise(roll, "1.3")["status"]);
        Assert.Equal("passed", (string?)GradingFixture.Exercise(grading.Grades("bug-k-plus-one"), "1.1")["status"]);
        Assert.Equal("passed", (string?)GradingFixture.Exercise(grading.Grades("bug-no-zero-grad"), "4.2")["status"]);
        // bug-roll's submission has no check cells at all: the instructor's still ran.
        Assert.NotEmpty(GradingFixture.Exercise(roll, "1.1")["passed"]!.AsArray());
    }

    [Fact]
    public void An_endless_loop_is_stopped_at_the_limit_and_costs_only_its_exercise()
    {
        Assert.True(grading.EndlessResult.ExitCode == 0, grading.Describe(grading.EndlessResult));
        var grades = grading.Grades("endless-split", grading.EndlessOutput);
        Assert.Equal("timed out", (string?)GradingFixture.Exercise(grades, "4.2")["status"]);
        Assert.Equal("passed", (string?)GradingFixture.Exercise(grades, "4.1")["status"]);
    }
}
