using System.Globalization;
using Workbook.Notebooks;
using Workbook.Notebooks.Coursework;

namespace Workbook.Cli;

/// <summary>
/// <c>grade SUBMISSION... [--out DIR] [--timeout-minutes 5]</c>: grades each submission folder against the instructor
/// notebooks and writes <c>DIR/grades.csv</c>, <c>DIR/grades.json</c> and <c>DIR/SUBMISSION/feedback.html</c>.
/// Exits 0 when grading ran, whatever the marks.
/// </summary>
internal static class GradeCommand
{
    public static int Run(Arguments arguments)
    {
        string root = RunCommand.RepositoryRoot();
        string output = Path.GetFullPath(arguments.Text("out", Path.Combine(root, "artifacts", "grades")));
        double minutes = arguments.Number("timeout-minutes", 5, exclusiveMinimum: 0);
        arguments.RejectUnknown(maxPositional: int.MaxValue);
        if (arguments.Positional.Count == 0) throw new UsageException("grade needs at least one submission folder");
        foreach (string submission in arguments.Positional)
            if (!Directory.Exists(submission)) throw new UsageException($"{submission}: no such folder (a submission is a folder of a student's notebooks)");

        var options = new GradingOptions(Path.Combine(root, "notebooks"), output, TimeSpan.FromMinutes(minutes),
            NotebookHostProcess.For(continueAfterError: true));
        var grades = new List<SubmissionGrade>();
        foreach (string submission in arguments.Positional)
            grades.Add(Grader.GradeAsync(submission, options, Console.Out).GetAwaiter().GetResult());
        GradeReport.Write(output, grades);
        Console.WriteLine($"wrote {Path.Combine(output, "grades.csv")}, grades.json and {grades.Count} feedback page(s); limit {minutes.ToString(CultureInfo.InvariantCulture)} min per notebook");
        return 0;
    }
}
