using System.CommandLine;
using System.Globalization;
using Workbook.Notebooks;
using Workbook.Notebooks.Coursework;

namespace Workbook.Cli;

/// <summary>
/// <c>grade SUBMISSION... [--out DIR] [--jobs N] [--timeout-minutes 5] [--submission-timeout-minutes 30] [--unsafe-no-sandbox]</c>:
/// grades each submission folder against the instructor notebooks, every notebook run in a sandbox, and writes
/// <c>DIR/grades.csv</c>, <c>DIR/grades.json</c> and <c>DIR/SUBMISSION/feedback.html</c> (nothing else).
/// Prints one line per submission; exits 0 when grading ran, whatever the marks and whatever a submission did.
/// </summary>
internal static class GradeCommand
{
    public static Command Create()
    {
        var submissions = new Argument<string[]>("SUBMISSION") { Description = "a folder of one student's notebooks (the folder name is the student)", Arity = ArgumentArity.ZeroOrMore };
        var output = Options.Text("--out", null, "where grades.csv, grades.json and feedback pages go [default: artifacts/grades]", "DIR");
        var jobs = Options.WholeNumber("--jobs", Environment.ProcessorCount, "how many notebooks run side by side, spread over the submissions (the default is the number of cores)", minimum: 1);
        var minutes = Options.Number("--timeout-minutes", 5, "a notebook cell running longer is stopped and its exercise scores 0", exclusiveMinimum: 0);
        var submissionMinutes = Options.Number("--submission-timeout-minutes", 30, "what of a submission has not run by then scores 0 as timed out", exclusiveMinimum: 0);
        var unsafeRun = Options.Switch("--unsafe-no-sandbox", "run students' notebooks without a sandbox, with your rights, files and network (only for code you trust)");
        var command = new Command("grade", "grade folders of students' notebooks against notebooks/") { submissions, output, jobs, minutes, submissionMinutes, unsafeRun };
        command.SetAction(parsed => Run(parsed.GetValue(submissions) ?? [], parsed.GetValue(output), parsed.GetValue(jobs), parsed.GetValue(minutes),
            parsed.GetValue(submissionMinutes), parsed.GetValue(unsafeRun)));
        return command;
    }

    private static int Run(string[] submissions, string? outputOption, int jobs, double minutes, double submissionMinutes, bool withoutSandbox)
    {
        if (submissions.Length == 0) throw new UsageException("grade needs at least one submission folder");
        foreach (string submission in submissions)
            if (!Directory.Exists(submission)) throw new UsageException($"{submission}: no such folder (a submission is a folder of a student's notebooks)");
        string root = RunCommand.RepositoryRoot();
        string instructor = Path.Combine(root, "notebooks");
        string output = Path.GetFullPath(outputOption ?? Path.Combine(root, "artifacts", "grades"));
        FolderPlaces.CheckGradeOutput(output, submissions, instructor);   // one line, exit 1

        var options = new GradingOptions(instructor, output, TimeSpan.FromMinutes(minutes), NotebookHostProcess.For(continueAfterError: true))
        {
            SubmissionTimeout = TimeSpan.FromMinutes(submissionMinutes),
            Sandbox = GradingSandbox.Choose(withoutSandbox),
        };
        var grades = Terminal.WithProgress(ClassRun.Describe(submissions.Length, jobs), submissions.Length, progress =>
        {
            var log = progress.LinesAsSteps();   // the grader prints one line per submission
            return ClassRun.GradeAsync(submissions, options, jobs, log).GetAwaiter().GetResult();
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {Path.Combine(output, "grades.csv")}, grades.json and {grades.Count} feedback page(s); limits {minutes} min per notebook cell, {submissionMinutes} min per submission"));
        return 0;
    }
}
