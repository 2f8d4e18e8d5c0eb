using System.Globalization;
using System.Text.RegularExpressions;
using Workbook.Coursework;

namespace Workbook.Notebooks.Coursework;

/// <summary>
/// The marks an instructor puts in the solved notebooks, read by the student-version generator and the grader.
/// <list type="bullet">
///   <item>In a code cell, a header line <c>// Exercise 1.2 (3 points): write Filter</c> declares the exercise and its
///   points, once; <c>// BEGIN SOLUTION</c> … <c>// END SOLUTION</c> wrap the model solution, which the student version
///   replaces by <c>throw new NotImplementedException("Exercise 1.2: write Filter");</c>.</item>
///   <item>A check cell calls <c>Check.Exercise("1.2", …)</c>; <c>// BEGIN HIDDEN CHECKS</c> … <c>// END HIDDEN CHECKS</c>
///   wrap the checks only the grader runs.</item>
///   <item>In a markdown cell, <c>**Question 1.1**</c> names a written question and <c>&lt;!-- BEGIN SOLUTION --&gt;</c> …
///   <c>&lt;!-- END SOLUTION --&gt;</c> wrap its model answer, replaced by "Your answer:".</item>
/// </list>
/// </summary>
public static partial class ExerciseMarkers
{
    public const string BeginSolution = "// BEGIN SOLUTION", EndSolution = "// END SOLUTION";
    public const string BeginHidden = "// BEGIN HIDDEN CHECKS", EndHidden = "// END HIDDEN CHECKS";
    public const string BeginAnswer = "<!-- BEGIN SOLUTION -->", EndAnswer = "<!-- END SOLUTION -->";
    public const string AnswerPrompt = "Your answer:";

    [GeneratedRegex(@"^[ \t]*// Exercise (?<id>\d+\.\d+) \((?<points>\d+) points?(: (?<groups>[^)]*))?\): (?<title>.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex HeaderPattern();

    [GeneratedRegex(@"Check\.(Exercise|Hidden)\(\s*""(?<id>\d+\.\d+)""")]
    private static partial Regex CheckPattern();

    [GeneratedRegex(@"\*\*Question (?<id>\d+\.\d+)\*\*")]
    private static partial Regex QuestionPattern();

    /// <summary>The exercise a code cell declares, or null.</summary>
    public static (string Id, int Points, string Title)? Header(string source)
    {
        var match = HeaderPattern().Match(source);
        return match.Success
            ? (match.Groups["id"].Value, int.Parse(match.Groups["points"].Value, CultureInfo.InvariantCulture), match.Groups["title"].Value)
            : null;
    }

    /// <summary>
    /// The point groups a header declares for partial credit, e.g. <c>// Exercise 4.1 (4 points: 3 training, 1 reporting): …</c>
    /// gives [("training", 3), ("reporting", 1)]; empty when the exercise is all-or-nothing. Each group's points are
    /// scored when every property of that group holds (the checks name a property's group).
    /// </summary>
    public static IReadOnlyList<(string Group, int Points)> PointGroups(string source)
    {
        var match = HeaderPattern().Match(source);
        if (!match.Success || !match.Groups["groups"].Success) return Array.Empty<(string, int)>();
        var groups = new List<(string, int)>();
        foreach (string part in match.Groups["groups"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pieces = part.Split(' ', 2, StringSplitOptions.TrimEntries);
            if (pieces.Length != 2 || !int.TryParse(pieces[0], NumberStyles.None, CultureInfo.InvariantCulture, out int points))
                throw new InvalidDataException($"exercise {match.Groups["id"].Value}: the point group '{part}' is not 'N name' (e.g. '2 forward')");
            groups.Add((pieces[1], points));
        }
        int total = int.Parse(match.Groups["points"].Value, CultureInfo.InvariantCulture);
        if (groups.Sum(g => g.Item2) != total)
            throw new InvalidDataException($"exercise {match.Groups["id"].Value}: the point groups add up to {groups.Sum(g => g.Item2)}, not {total}");
        return groups;
    }

    /// <summary>The exercise a check cell checks, or null when the cell calls no check.</summary>
    public static string? CheckedExercise(string source)
    {
        var match = CheckPattern().Match(source);
        return match.Success ? match.Groups["id"].Value : null;
    }

    /// <summary>The written question a markdown cell asks, or null.</summary>
    public static string? Question(string source)
    {
        var match = QuestionPattern().Match(source);
        return match.Success ? match.Groups["id"].Value : null;
    }

    /// <summary>The line that marks the start of an exercise's cell, as students must keep it: <c>// Exercise 1.2</c>.</summary>
    public static string HeaderStart(string id) => $"// Exercise {id} ";
}
