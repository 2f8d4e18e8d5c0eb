using System.Diagnostics;
using System.Globalization;

namespace Workbook.Notebooks.Coursework;

/// <summary>
/// Grades a class: every submission on its own, <c>jobs</c> of them side by side. Whatever one submission does (a
/// notebook that cannot be read, a grader error, a run that never ends) costs only that submission, which is marked
/// with the reason; the grades of everyone graded so far are written after every submission, each file whole, so a
/// run stopped at any point leaves usable grades.
/// </summary>
public static class ClassRun
{
    /// <summary>Beyond the submission's own limit, how long the class run waits for its grader before giving up on it.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    /// <returns>the grades, in the order of <paramref name="submissions"/></returns>
    public static async Task<IReadOnlyList<SubmissionGrade>> GradeAsync(IReadOnlyList<string> submissions, GradingOptions options, int jobs, TextWriter log)
    {
        log = TextWriter.Synchronized(log);
        var course = Grader.Course(options.InstructorFolder);
        options = await PackageResolutionSeed.Seeded(options, course, log);
        var secrets = CourseSecrets.Of(course);
        var named = SubmissionNames.Assign(submissions);
        foreach (var s in named.Where(s => s.Problem != null))
            log.WriteLine($"{s.Folder}: graded as {s.Id} ({s.Problem})");
        var (submissionsAtOnce, notebooksAtOnce) = Spread(named.Count, jobs);
        var sideBySide = options with { Jobs = submissionsAtOnce, NotebooksAtOnce = notebooksAtOnce };

        var grades = new SubmissionGrade?[named.Count];
        var writing = new object();
        using var slots = new SemaphoreSlim(submissionsAtOnce);
        var all = named.Select(async (submission, i) =>
        {
            await slots.WaitAsync();
            try
            {
                var grade = secrets.Scrub(await GradeOne(submission, course, sideBySide, log));
                lock (writing)
                {
                    grades[i] = grade;
                    GradeReport.Write(options.OutputDirectory, grades.OfType<SubmissionGrade>().ToList());
                }
            }
            finally { slots.Release(); }
        }).ToList();
        await Task.WhenAll(all);
        var result = grades.Select(g => g!).ToList();
        GradeReport.Write(options.OutputDirectory, result);
        return result;
    }

    /// <summary>One submission, whatever happens: a grader error or a grader that does not return in time is this submission's grade.</summary>
    private static async Task<SubmissionGrade> GradeOne(NamedSubmission submission, IReadOnlyList<CourseNotebook> course, GradingOptions options, TextWriter log)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var grading = Task.Run(() => Grader.GradeAsync(submission.Folder, options, log, submission.Id));
            return await grading.WaitAsync(options.SubmissionTimeout + Grace);
        }
        catch (TimeoutException)
        {
            string reason = $"{submission.Folder}: grading ran past the submission's {options.SubmissionTimeout.TotalMinutes:0.#}-minute limit and was abandoned";
            log.WriteLine($"{submission.Id}: {reason}");
            return Grader.Ungraded(course, submission.Id, GradeStatus.TimedOut, reason, watch.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            string reason = $"{submission.Folder}: could not be graded: {e.Message.Split('\n')[0]}";
            log.WriteLine($"{submission.Id}: {reason}");
            return Grader.Ungraded(course, submission.Id, GradeStatus.NotReadable, reason, watch.Elapsed.TotalSeconds);
        }
    }

    /// <summary>
    /// jobs notebook runs at a time: spread over the submissions, and over the notebooks of each when there are fewer
    /// submissions than jobs (one submission on two cores runs two of its notebooks side by side).
    /// </summary>
    private static (int Submissions, int NotebooksOfEach) Spread(int submissions, int jobs)
    {
        int atOnce = Math.Clamp(submissions, 1, Math.Max(1, jobs));
        return (atOnce, Math.Max(1, jobs / atOnce));
    }

    /// <summary>One line for the log: how many submissions, how many side by side.</summary>
    public static string Describe(int submissions, int jobs)
    {
        var (atOnce, notebooks) = Spread(submissions, jobs);
        return string.Create(CultureInfo.InvariantCulture,
            $"grading {submissions} submission(s), {atOnce} at a time{(notebooks > 1 ? $", {notebooks} notebooks of each at a time" : "")}");
    }
}
