using System.Text;
using System.Text.Json.Nodes;

namespace Workbook.Notebooks.Coursework;

/// <summary>
/// Makes the student version of a solved notebook: solution code replaced by a stub that compiles and throws
/// <see cref="NotImplementedException"/> naming the exercise, model answers replaced by "Your answer:", hidden checks
/// removed, outputs cleared, and the setup cell's library path made right for the folder the version is written to.
/// </summary>
public static class StudentVersion
{
    /// <summary>The student version of every notebook in <paramref name="instructorFolder"/>, written to <paramref name="outputFolder"/>.</summary>
    /// <returns>the files written</returns>
    public static IReadOnlyList<string> WriteAll(string instructorFolder, string outputFolder)
    {
        Directory.CreateDirectory(outputFolder);
        var written = new List<string>();
        foreach (string notebook in NotebookRunner.Find(instructorFolder))
        {
            var instructor = NotebookFile.Read(notebook);
            var student = Make(instructor, notebook);
            string target = Path.Combine(outputFolder, Path.GetFileName(notebook));
            NotebookFile.Write(target, SetupCell.Relocate(student, Path.GetDirectoryName(Path.GetFullPath(notebook))!, Path.GetFullPath(outputFolder)));
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
            string changed = (string?)cell["cell_type"] == "code" ? StudentCode(source, where) : StudentMarkdown(source, where);
            cell["source"] = JupyterOutputs.Lines(changed);
            if ((string?)cell["cell_type"] == "code")
            {
                cell["outputs"] = new JsonArray();
                cell["execution_count"] = null;
            }
        }
        return notebook;
    }

    /// <summary>A code cell with its solution regions stubbed and its hidden checks removed.</summary>
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
            if (inside == null) output.Append(line).Append('\n');
        }
        if (inside != null) throw new InvalidDataException($"{where}: {inside} is never closed");
        return output.ToString()[..Math.Max(0, output.Length - 1)];
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
