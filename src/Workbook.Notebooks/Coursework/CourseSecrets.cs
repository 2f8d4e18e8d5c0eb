using System.Text.Json.Nodes;

namespace Workbook.Notebooks.Coursework;

/// <summary>
/// The lines of the instructor's notebooks that students must never see: the model solutions, the hidden checks and
/// the model answers (the text between the <see cref="ExerciseMarkers"/> regions), less any line that also appears
/// outside them (a brace, a line the handout shows anyway). The grades pass through <see cref="Scrub(SubmissionGrade)"/> before they
/// are written: a student's code runs beside the hidden checks, and could put their text into an error message.
/// </summary>
public sealed class CourseSecrets
{
    /// <summary>Shorter lines (<c>return y;</c>) say nothing about a solution and appear in any code.</summary>
    public const int MinLength = 16;

    private CourseSecrets(IReadOnlyList<string> lines) => Lines = lines;

    /// <summary>The secret lines, trimmed, longest first (so a longer line is removed before a part of it).</summary>
    public IReadOnlyList<string> Lines { get; }

    public static CourseSecrets Of(IEnumerable<CourseNotebook> course)
    {
        var inside = new HashSet<string>(StringComparer.Ordinal);
        var outside = new HashSet<string>(StringComparer.Ordinal);
        foreach (var notebook in course)
            foreach (var cell in notebook.Instructor["cells"]!.AsArray())
            {
                bool code = (string?)cell!["cell_type"] == "code";
                string? end = null;
                foreach (string raw in JupyterOutputs.Join(cell["source"]).Split('\n'))
                {
                    string line = raw.Trim();
                    if (end == null)
                    {
                        end = (code, line) switch
                        {
                            (true, ExerciseMarkers.BeginSolution) => ExerciseMarkers.EndSolution,
                            (true, ExerciseMarkers.BeginHidden) => ExerciseMarkers.EndHidden,
                            (false, _) when line.StartsWith(ExerciseMarkers.BeginAnswer, StringComparison.Ordinal) => ExerciseMarkers.EndAnswer,
                            _ => null,
                        };
                        if (end == null) outside.Add(line);
                        else if (!code) AddAfter(line, ExerciseMarkers.BeginAnswer, inside);   // a model answer may start on the marker's line
                        continue;
                    }
                    if (line.StartsWith(end, StringComparison.Ordinal) || line.EndsWith(end, StringComparison.Ordinal))
                    {
                        inside.Add(line.Replace(end, "", StringComparison.Ordinal).Trim());
                        end = null;
                        continue;
                    }
                    inside.Add(line);
                }
            }
        return new CourseSecrets(inside.Where(l => l.Length >= MinLength && !outside.Contains(l)).OrderByDescending(l => l.Length).ToList());
    }

    /// <summary>The text with every secret line in it replaced by a note.</summary>
    public string ScrubText(string text)
    {
        foreach (string line in Lines)
            if (text.Contains(line, StringComparison.Ordinal)) text = text.Replace(line, "[instructor's code left out]", StringComparison.Ordinal);
        return text;
    }

    /// <summary>The grade with every text a student reads scrubbed.</summary>
    public SubmissionGrade Scrub(SubmissionGrade grade) => grade with
    {
        Exercises = grade.Exercises.Select(e => e with
        {
            Title = ScrubText(e.Title),
            Passed = e.Passed.Select(ScrubText).ToList(),
            Failed = e.Failed.Select(f => new FailedProperty(ScrubText(f.Property), ScrubText(f.Problem))).ToList(),
            Error = e.Error == null ? null : ScrubText(e.Error),
            Note = e.Note == null ? null : ScrubText(e.Note),
        }).ToList(),
        Answers = grade.Answers.Select(a => a with { Answer = ScrubText(a.Answer) }).ToList(),
    };

    private static void AddAfter(string line, string marker, HashSet<string> into)
    {
        string rest = line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Trim();
        if (rest.Length > 0) into.Add(rest);
    }
}
