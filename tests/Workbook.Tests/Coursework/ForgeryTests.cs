namespace Workbook.Tests.Coursework;

/// <summary>
/// Marks only for what the student's code solved: every forgery of issue 25 scores 0 on exercise 1.1, which it did
/// not solve; honest code the earlier grader refused scores full marks.
/// </summary>
[Collection("Forgeries")]
public class ForgeryTests(ForgeryFixture forgeries)
{
    [Theory]
    [InlineData("formatter", "not implemented", "Exercise 1.1: write Shift")]       // the report's MIME type: the cell is refused, and displays are not read
    [InlineData("check-class", "not implemented", "Exercise 1.1: write Shift")]     // the check cells name global::Workbook.Coursework.Check
    [InlineData("top-level-display", "not implemented", "Exercise 1.1: write Shift")]
    [InlineData("process-exit", "not implemented", "Exercise 1.1: write Shift")]    // refused; the executed notebook is not read anyway
    [InlineData("printed-report", "not implemented", "Exercise 1.1: write Shift")]  // an unsigned line on the channel's stream
    [InlineData("reflection", "not accepted", "reflection is not available to exercises")]
    [InlineData("library-helper", "failed", "Workbook.Signals.ShiftOperator.Shift: it is the library's answer to exercise 1.")]
    public void A_forgery_scores_nothing_for_the_exercise_it_did_not_solve(string submission, string status, string error)
    {
        Assert.True(forgeries.Result.ExitCode == 0, $"exit {forgeries.Result.ExitCode}\n{forgeries.Result.Output}\n{forgeries.Result.Error}");
        var exercise = forgeries.Exercise(submission, "1.1");
        Assert.Equal(0, (int)exercise["points"]!);
        Assert.Equal(status, (string?)exercise["status"]);
        Assert.Contains(error, (string?)exercise["error"]);
    }

    [Fact]
    public void An_alias_to_a_refused_api_is_refused_and_the_feedback_names_the_line_and_the_api()
    {
        var exercise = forgeries.Exercise("alias", "1.1");
        Assert.Equal("not accepted", (string?)exercise["status"]);
        Assert.Contains("uses System.IO.File.WriteAllText: files are not available to exercises", (string?)exercise["error"]);
        Assert.Matches(@"your cell \d+ was not run: line \d+ uses", (string?)exercise["error"]);
    }

    [Fact]
    public void A_helper_named_like_a_library_type_in_a_cell_mentioning_the_check_scores_full_marks()
    {
        foreach (string id in new[] { "1.1", "1.2", "1.3" })
        {
            var exercise = forgeries.Exercise("honest-helper", id);
            Assert.True((string?)exercise["status"] == "passed", exercise.ToJsonString());
            Assert.Equal((int)exercise["max"]!, (int)exercise["points"]!);
        }
    }
}
