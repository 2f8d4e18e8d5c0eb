using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Workbook.Notebooks;
using Workbook.Notebooks.Coursework;

namespace Workbook.Cli;

/// <summary>
/// <c>maintainer grading [--submissions N]</c>: times the grader on N copies of the instructor's notebooks (complete
/// submissions that score full marks, so every check, hidden ones included, runs), one after the other, each with its
/// notebooks side by side as the <c>grade</c> verb grades a single submission, and prints the seconds per submission
/// with the CPU they ran on.
/// </summary>
internal static class GradingBench
{
    public static int Run(int submissions)
    {
        string root = RunCommand.RepositoryRoot();
        string folder = Directory.CreateTempSubdirectory("workbook-grading-bench-").FullName;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench grading {DateTime.Now:yyyy-MM-dd HH:mm}: {CpuModel()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}"));
        var names = new List<string>();
        for (int i = 1; i <= submissions; i++)
        {
            string submission = Path.Combine(folder, $"student{i:D2}");
            Directory.CreateDirectory(submission);
            foreach (string notebook in NotebookRunner.Find(Path.Combine(root, "notebooks")))
                File.Copy(notebook, Path.Combine(submission, Path.GetFileName(notebook)));
            names.Add(submission);
        }
        // As grade runs them: in the sandbox where there is one.
        var options = new GradingOptions(Path.Combine(root, "notebooks"), Path.Combine(folder, "grades"), TimeSpan.FromMinutes(5),
            NotebookHostProcess.For(continueAfterError: true))
        {
            Sandbox = NotebookSandbox.Availability().Available ? GradingSandbox.Choose(withoutSandbox: false) : null,
        };
        Console.WriteLine(options.Sandbox == null ? "  without the sandbox (none here)" : "  in the sandbox");
        var total = Stopwatch.StartNew();
        var seconds = new List<double>();
        foreach (string submission in names)
        {
            // As grade grades a single submission: its notebooks share the cores.
            var grade = ClassRun.GradeAsync([submission], options, Environment.ProcessorCount, Console.Out).GetAwaiter().GetResult()[0];
            seconds.Add(grade.Seconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {grade.Submission}: {grade.Total}/{grade.Max} points, {grade.Seconds:F1} s"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"grading one complete submission (4 notebooks): mean {seconds.Average():F1} s, fastest {seconds.Min():F1} s, slowest {seconds.Max():F1} s; " +
            $"{submissions} submission(s) in {total.Elapsed.TotalSeconds:F0} s; a class of 30 ≈ {30 * seconds.Average() / 60:F0} min in one process"));
        Directory.Delete(folder, recursive: true);
        return 0;
    }

    /// <summary>
    /// The processor's name, so figures from different machines are not mixed up: Linux's /proc/cpuinfo, Windows's
    /// PROCESSOR_IDENTIFIER; elsewhere (macOS) only the architecture, which .NET knows without asking a tool.
    /// </summary>
    public static string CpuModel()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
            }
            catch (IOException) { return "unknown CPU"; }
        }
        return Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") is { Length: > 0 } windows ? windows
            : $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture} CPU";
    }
}
