using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Coursework;

/// <summary>The documented GitHub Classroom workflow leaves no token where student code runs and uploads only the grades.</summary>
public sealed class ClassroomWorkflowTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(Repository.Root, "docs", "github-classroom", "grade.yml"));

    /// <summary>The lines of each step: from its "- " line to the next.</summary>
    private static IEnumerable<string[]> Steps()
    {
        var starts = Lines.Select((l, i) => (l, i)).Where(p => p.l.TrimStart().StartsWith("- ", StringComparison.Ordinal) && p.l.StartsWith("      - ", StringComparison.Ordinal)).Select(p => p.i).ToList();
        for (int s = 0; s < starts.Count; s++)
            yield return Lines[starts[s]..(s + 1 < starts.Count ? starts[s + 1] : Lines.Length)];
    }

    [Fact]
    public void Every_checkout_keeps_no_credentials()
    {
        var checkouts = Steps().Where(step => step.Any(l => l.Contains("actions/checkout@", StringComparison.Ordinal))).ToList();
        Assert.Equal(2, checkouts.Count);
        Assert.All(checkouts, step => Assert.Contains(step, l => l.Trim() == "persist-credentials: false"));
    }

    [Fact]
    public void Only_grades_json_is_uploaded()
    {
        var uploads = Steps().Where(step => step.Any(l => l.Contains("actions/upload-artifact@", StringComparison.Ordinal))).ToList();
        Assert.Single(uploads);
        var paths = uploads[0].Where(l => l.Trim().StartsWith("path:", StringComparison.Ordinal)).Select(l => l.Trim()["path:".Length..].Trim()).ToList();
        Assert.Equal(new[] { "grades/grades.json" }, paths);
    }

    [Fact]
    public void The_grade_step_runs_with_the_sandbox_and_sees_no_token()
    {
        var grade = Steps().Single(step => step.Any(l => l.Contains(" grade ", StringComparison.Ordinal)));
        Assert.DoesNotContain(grade, l => l.Contains("--unsafe-no-sandbox", StringComparison.Ordinal) || l.Contains("secrets.", StringComparison.Ordinal) || l.Trim() == "env:");
    }
}
