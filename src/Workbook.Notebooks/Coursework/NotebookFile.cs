using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workbook.Notebooks.Coursework;

/// <summary>Reads and writes notebook JSON, with errors that name the file.</summary>
public static class NotebookFile
{
    public static JsonObject Read(string path)
    {
        try
        {
            var notebook = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException("empty");
            if (notebook["cells"] is not JsonArray) throw new InvalidDataException("it has no \"cells\" list");
            return notebook;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: not a readable notebook ({PropertyMessage(e)})");
        }
    }

    /// <summary>Writes a notebook as Jupyter does (indent 1, a final newline), through a temporary file so a crash leaves the old one.</summary>
    public static void Write(string path, JsonObject notebook)
    {
        string text = notebook.ToJsonString(NotebookRunner.JsonOptions) + "\n";
        string temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    private static string PropertyMessage(Exception e) => e.Message.Split('\n')[0];
}
