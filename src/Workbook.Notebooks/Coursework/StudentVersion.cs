using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Workbook.Notebooks.Coursework;

/// <summary>
/// Makes the student version of a solved notebook: solution code replaced by a stub that compiles and throws
/// <see cref="NotImplementedException"/> naming the exercise, model answers replaced by "Your answer:", hidden checks
/// removed, instructor-only lines and cells removed, outputs cleared. <see cref="StudentKit"/> makes the kit's notebooks of it.
/// </summary>
public static partial class StudentVersion
{
    /// <summary>
    /// The student version of every notebook of the kit in <paramref name="instructorFolder"/>, as the kit has it
    /// (<see cref="StudentKit.Notebook"/>), written to <paramref name="outputFolder"/>.
    /// </summary>
    /// <returns>the files written</returns>
    public static IReadOnlyList<string> WriteAll(string instructorFolder, string outputFolder)
    {
        Directory.CreateDirectory(outputFolder);
        var written = new List<string>();
        var course = NotebookRunner.Find(instructorFolder).Select(path => (Path: path, Notebook: NotebookFile.Read(path))).ToList();
        foreach (var (path, instructor) in course.Where(n => StudentKit.InKit(n.Path)))
        {
            string target = Path.Combine(outputFolder, Path.GetFileName(path));
            NotebookFile.Write(target, StudentKit.Notebook(instructor, path, course));
            written.Add(target);
        }
        return written;
    }

    /// <summary>The student version of one notebook (the setup cell still points where the instructor's does).</summary>
    /// <param name="name">the notebook's file, for error messages</param>
    public static JsonObject Make(JsonObject instructor, string name)
    {
        var notebook = instructor.DeepClone().AsObject();
        var cells = notebook["cells"]!.AsArray();
        for (int i = 0; i < cells.Count; i++)
        {
            var cell = cells[i]!.AsObject();
            string source = JupyterOutputs.Join(cell["source"]);
            string where = $"{name}, cell {i + 1}";
            string changed = (string?)cell["cell_type"] == "code"
                ? (IsInstructorOnly(source) ? "" : StudentCode(source, where))
                : StudentMarkdown(source, where);
            cell["source"] = JupyterOutputs.Lines(changed);
            if ((string?)cell["cell_type"] == "code")
            {
                cell["outputs"] = new JsonArray();
                cell["execution_count"] = null;
            }
        }
        return notebook;
    }

    /// <summary>
    /// Marks a code cell that uses what the student kit leaves out (the library's networks, trainer or fast paths): its
    /// first line starts with this. The student version keeps its place (empty, so cells still line up with the
    /// instructor's) and the kit drops it.
    /// </summary>
    public const string InstructorOnlyCell = "// Instructor only";

    /// <summary>Marks one such line (a comment on it contains this): the student version leaves the line out.</summary>
    public const string InstructorOnlyLine = "(instructor only";

    /// <summary>True for a cell marked <see cref="InstructorOnlyCell"/>.</summary>
    public static bool IsInstructorOnly(string source) => source.TrimStart().StartsWith(InstructorOnlyCell, StringComparison.Ordinal);

    /// <summary>A code cell with its solution regions stubbed, its hidden checks and instructor-only lines removed.</summary>
    public static string StudentCode(string source, string where)
    {
        var header = ExerciseMarkers.Header(source);
        var lines = source.Split('\n');
        var output = new StringBuilder();
        string? inside = null;
        foreach (string line in lines)
        {
            string trimmed = line.Trim();
            if (trimmed == ExerciseMarkers.BeginSolution || trimmed == ExerciseMarkers.BeginHidden)
            {
                if (inside != null) throw new InvalidDataException($"{where}: {trimmed} inside another region (after {inside})");
                if (trimmed == ExerciseMarkers.BeginSolution)
                {
                    if (header is null)
                        throw new InvalidDataException($"{where}: a solution region in a cell without a header line like '// Exercise 1.2 (3 points): write Filter'");
                    var (id, _, title) = header.Value;
                    string indent = line[..(line.Length - line.TrimStart().Length)];
                    output.Append(indent).Append($"throw new NotImplementedException(\"Exercise {id}: {title.Replace("\"", "'")}\");").Append('\n');
                }
                inside = trimmed;
                continue;
            }
            if (trimmed == ExerciseMarkers.EndSolution || trimmed == ExerciseMarkers.EndHidden)
            {
                string expected = trimmed == ExerciseMarkers.EndSolution ? ExerciseMarkers.BeginSolution : ExerciseMarkers.BeginHidden;
                if (inside != expected) throw new InvalidDataException($"{where}: {trimmed} without {expected}");
                inside = null;
                continue;
            }
            if (inside == null && !line.Contains(InstructorOnlyLine, StringComparison.Ordinal)) output.Append(line).Append('\n');
        }
        if (inside != null) throw new InvalidDataException($"{where}: {inside} is never closed");
        return PlainCheck(output.ToString()[..Math.Max(0, output.Length - 1)]);
    }

    [GeneratedRegex(@"^(?<indent>\s*)global::Microsoft\.DotNet\.Interactive\.Kernel\.display\(global::Workbook\.Coursework\.(?<check>Check\.Exercise\(.*\))\);\s*$")]
    private static partial Regex QualifiedCheck();

    /// <summary>
    /// A check cell as a student reads it: <c>Check.Exercise("1.1", Shift)</c>, whose report the notebook shows as the
    /// cell's value. The instructor's check cells spell out <c>global::</c> names and the display call so that nothing a
    /// student declares can stand in for them; the grader runs those, never the student's copies, so the student's
    /// copy can read like the mathematics. Only a check that is the cell's last line is shortened (its value is shown).
    /// </summary>
    private static string PlainCheck(string code)
    {
        var lines = code.Split('\n').ToList();
        int last = lines.FindLastIndex(l => l.Trim().Length > 0);
        if (last < 0 || QualifiedCheck().Match(lines[last]) is not { Success: true } match) return code;
        lines[last] = match.Groups["indent"].Value + match.Groups["check"].Value;
        return string.Join('\n', lines);
    }

    /// <summary>A markdown cell with its model answers replaced by the prompt.</summary>
    public static string StudentMarkdown(string source, string where)
    {
        var text = new StringBuilder();
        int position = 0;
        while (true)
        {
            int begin = source.IndexOf(ExerciseMarkers.BeginAnswer, position, StringComparison.Ordinal);
            if (begin < 0) break;
            int end = source.IndexOf(ExerciseMarkers.EndAnswer, begin, StringComparison.Ordinal);
            if (end < 0) throw new InvalidDataException($"{where}: {ExerciseMarkers.BeginAnswer} is never closed");
            text.Append(source, position, begin - position).Append(ExerciseMarkers.AnswerPrompt);
            position = end + ExerciseMarkers.EndAnswer.Length;
        }
        return text.Append(source, position, source.Length - position).ToString();
    }
}
