using System.Globalization;
using System.Text;
using System.Text.Json;
using Workbook.Display;
using Workbook.Files;

namespace Workbook.Notebooks.Coursework;

/// <summary>
/// Writes the grades: <c>grades.csv</c> (one row per submission and exercise), <c>grades.json</c> (everything, per
/// submission) and an offline <c>SUBMISSION/feedback.html</c> for each student.
/// </summary>
public static class GradeReport
{
    public const string CsvHeader = "submission,exercise,points,max,status";

    /// <summary>
    /// Writes grades.csv, grades.json and every feedback page, each file whole or not at all (through a temporary file
    /// and a rename), so a class run stopped at any moment leaves the grades of the submissions graded so far.
    /// </summary>
    public static void Write(string directory, IReadOnlyList<SubmissionGrade> grades)
    {
        Directory.CreateDirectory(directory);
        foreach (var grade in grades)
        {
            Directory.CreateDirectory(Path.Combine(directory, grade.Submission));
            AtomicFile.WriteAllText(Path.Combine(directory, grade.Submission, "feedback.html"), Feedback(grade));
        }
        AtomicFile.WriteAllText(Path.Combine(directory, "grades.json"), Json(grades));
        AtomicFile.WriteAllText(Path.Combine(directory, "grades.csv"), Csv(grades));
    }

    public static string Csv(IEnumerable<SubmissionGrade> grades)
    {
        var csv = new StringBuilder(CsvHeader).Append('\n');
        foreach (var grade in grades)
            foreach (var e in grade.Exercises)
                csv.Append(CultureInfo.InvariantCulture, $"{Field(grade.Submission)},{Field(e.Exercise)},{e.Points},{e.Max},{Field(e.Status.Word())}\n");
        return csv.ToString();
    }

    public static string Json(IEnumerable<SubmissionGrade> grades) =>
        JsonSerializer.Serialize(new
        {
            submissions = grades.Select(g => new
            {
                submission = g.Submission,
                total = g.Total,
                max = g.Max,
                seconds = Math.Round(g.Seconds, 1),
                exercises = g.Exercises.Select(e => new
                {
                    notebook = e.Notebook, exercise = e.Exercise, title = e.Title, points = e.Points, max = e.Max, status = e.Status.Word(),
                    passed = e.Passed, failed = e.Failed.Select(f => new { property = f.Property, problem = f.Problem }), error = e.Error, note = e.Note,
                }),
                answers = g.Answers.Select(a => new { notebook = a.Notebook, question = a.Question, answer = a.Answer }),
            }),
        }, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>The student's page: per exercise, points, what holds, what does not and why; then the written answers.</summary>
    public static string Feedback(SubmissionGrade grade)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h1>Feedback for {Html.Encode(grade.Submission)}: {grade.Total} of {grade.Max} points</h1>\n");
        html.Append("<p>Each exercise scores its points when every property of its checks holds (an exercise whose header splits its points into parts scores each part whose properties all hold). The checks are those of the check cells, plus further ones the grader adds.</p>\n");
        foreach (var e in grade.Exercises)
        {
            string colour = e.Points == e.Max ? "#2ca02c" : e.Points > 0 ? "#ff7f0e" : "#d62728";
            html.Append(CultureInfo.InvariantCulture, $"<h2>Exercise {e.Exercise}: {Html.Encode(e.Title)} <span style=\"color:{colour}\">{e.Points}/{e.Max}</span> <small>({Html.Encode(e.Status.Word())}, {Html.Encode(e.Notebook)})</small></h2>\n");
            if (e.Error != null) html.Append($"<p><b>{Html.Encode(e.Error)}</b></p>\n");
            if (e.Note != null) html.Append($"<p><i>Note: {Html.Encode(e.Note)}.</i></p>\n");
            if (e.Passed.Count + e.Failed.Count > 0)
            {
                html.Append("<ul style=\"list-style:none\">");
                foreach (var p in e.Passed) html.Append($"<li><span style=\"color:#2ca02c\">✓</span> {Html.Encode(p)}</li>");
                foreach (var f in e.Failed) html.Append($"<li><span style=\"color:#d62728\">✗</span> {Html.Encode(f.Property)}: <i>{Html.Encode(f.Problem)}</i></li>");
                html.Append("</ul>\n");
            }
        }
        if (grade.Answers.Count > 0)
        {
            html.Append("<h2>Written answers (marked by hand)</h2>\n");
            foreach (var a in grade.Answers)
                html.Append($"<h3>Question {Html.Encode(a.Question)} ({Html.Encode(a.Notebook)})</h3><blockquote>{(a.Answer.Length == 0 ? "<i>no answer</i>" : Html.Encode(a.Answer).Replace("\n", "<br>", StringComparison.Ordinal))}</blockquote>\n");
        }
        return $$"""
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Feedback: {{Html.Encode(grade.Submission)}}</title>
<style>body { font-family: system-ui, sans-serif; max-width: 900px; margin: 2em auto; padding: 0 1em; } h2 { font-size: 1.1em; margin-top: 1.5em; }</style>
</head><body>
{{html}}
</body></html>
""";
    }

    /// <summary>
    /// A text cell of grades.csv, safe to open in a spreadsheet: always quoted; line breaks (which would split a row
    /// in many tools) become spaces; a leading <c>= + - @</c> or tab, which a spreadsheet would read as a formula, gets
    /// an apostrophe before it, as OWASP's advice on CSV injection has it.
    /// </summary>
    public static string Field(string value)
    {
        string text = value.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\r', ' ').Replace('\n', ' ');
        if (text.Length > 0 && "=+-@\t".Contains(text[0], StringComparison.Ordinal)) text = "'" + text;
        return "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
