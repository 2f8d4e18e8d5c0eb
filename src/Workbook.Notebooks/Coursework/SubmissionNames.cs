using System.Globalization;
using System.Text;

namespace Workbook.Notebooks.Coursework;

/// <summary>A submission folder and the name its grades and feedback folder go under.</summary>
/// <param name="Problem">why the name differs from the folder's, or null</param>
public sealed record NamedSubmission(string Folder, string Id, string? Problem);

/// <summary>
/// Names the submissions of a class run. A submission is named after its folder, but the name becomes a folder of
/// the output and a cell of grades.csv, so it must be a plain file name: one that is no output file of its own
/// (<c>grades.csv</c>), not hidden, without control characters (a CR or LF would split a row). Two folders of the same
/// name (from different places) get distinct names: the second <c>alice</c> is graded as <c>alice-2</c>.
/// Names are compared ignoring case, since the output may be on a file system that does.
/// </summary>
public static class SubmissionNames
{
    /// <summary>Names the grader writes in the output folder, which no submission may take.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "grades.csv", "grades.json" };

    public static IReadOnlyList<NamedSubmission> Assign(IEnumerable<string> folders)
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var named = new List<NamedSubmission>();
        foreach (string folder in folders)
        {
            string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
            string plain = Plain(name);
            string? problem = plain != name ? "its name has characters a file name or CSV cell cannot hold" : null;
            if (Reserved.Contains(plain))
            {
                problem = $"its name is that of an output file ({plain})";
                plain = "submission-" + plain;
            }
            string id = plain;
            for (int n = 2; !taken.Add(id); n++)
            {
                id = string.Create(CultureInfo.InvariantCulture, $"{plain}-{n}");
                problem ??= $"another submission is also named {plain}";
            }
            named.Add(new NamedSubmission(Path.GetFullPath(folder), id, problem));
        }
        return named;
    }

    /// <summary>The name with control characters and separators replaced by '_', and no leading dot; "submission" when nothing is left.</summary>
    private static string Plain(string name)
    {
        var text = new StringBuilder();
        foreach (char c in name) text.Append(char.IsControl(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c);
        string plain = text.ToString().TrimStart('.').Trim();
        return plain.Length == 0 ? "submission" : plain;
    }
}
