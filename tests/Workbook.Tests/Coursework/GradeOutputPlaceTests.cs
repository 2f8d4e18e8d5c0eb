using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Coursework;

/// <summary><c>grade --out</c> and <c>exercises --out</c> refuse places where they would overwrite what they read.</summary>
public sealed class GradeOutputPlaceTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("workbook-outplace-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Grade_refuses_an_output_inside_a_submission_and_leaves_its_files_alone()
    {
        string submission = Directory.CreateDirectory(Path.Combine(folder, "alice")).FullName;
        File.WriteAllText(Path.Combine(submission, "notes.txt"), "mine");

        var result = Repository.RunCli(["grade", submission, "--out", Path.Combine(submission, "grades"), "--unsafe-no-sandbox"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("inside the submission", result.Error);
        Assert.Equal(new[] { "notes.txt" }, Directory.GetFileSystemEntries(submission).Select(Path.GetFileName));
    }

    [Fact]
    public void Grade_refuses_an_output_that_holds_a_submission()
    {
        string submission = Directory.CreateDirectory(Path.Combine(folder, "class", "alice")).FullName;

        var result = Repository.RunCli(["grade", submission, "--out", Path.Combine(folder, "class"), "--unsafe-no-sandbox"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("holds the submission", result.Error);
    }

    [Theory]
    [InlineData("notebooks")]
    [InlineData("notebooks/grades")]
    public void Grade_refuses_an_output_inside_the_instructor_notebooks(string output)
    {
        string submission = Directory.CreateDirectory(Path.Combine(folder, "alice")).FullName;

        var result = Repository.RunCli(["grade", submission, "--out", Path.Combine(Repository.Root, output), "--unsafe-no-sandbox"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("inside the instructor's notebooks", result.Error);
        Assert.False(Directory.Exists(Path.Combine(Repository.Root, "notebooks", "grades")));
    }

    [Theory]
    [InlineData("notebooks")]
    [InlineData("notebooks/")]
    [InlineData("notebooks/students")]
    public void Exercises_refuses_the_instructor_notebooks_as_its_output(string output)
    {
        var before = Directory.GetFiles(Repository.NotebookFolder).ToDictionary(f => f, File.ReadAllText);

        var result = Repository.RunCli(["exercises", "--out", Path.Combine(Repository.Root, output)]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("inside the instructor's notebooks", result.Error);
        Assert.All(before, pair => Assert.Equal(pair.Value, File.ReadAllText(pair.Key)));
        Assert.False(Directory.Exists(Path.Combine(Repository.NotebookFolder, "students")));
    }
}
