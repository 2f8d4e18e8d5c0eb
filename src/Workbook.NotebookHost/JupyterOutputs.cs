using System.Text;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace Workbook.Notebooks;

/// <summary>Turns the events a cell produced into nbformat 4 outputs, as Jupyter would record them.</summary>
public static class JupyterOutputs
{
    /// <returns>the outputs, and the cell's error message (null when it succeeded)</returns>
    public static (JsonArray Outputs, string? Error) From(IEnumerable<KernelEvent> events, int executionCount)
    {
        var outputs = new List<JsonObject>();
        var byValueId = new Dictionary<string, JsonObject>();
        string? error = null;
        foreach (var e in events)
        {
            switch (e)
            {
                case DisplayedValueUpdated updated when updated.ValueId != null && byValueId.TryGetValue(updated.ValueId, out var shown):
                    shown["data"] = Data(updated.FormattedValues);
                    break;
                case DisplayedValueProduced displayed:
                    var display = new JsonObject { ["output_type"] = "display_data", ["data"] = Data(displayed.FormattedValues), ["metadata"] = new JsonObject() };
                    if (displayed.ValueId != null)
                    {
                        display["transient"] = new JsonObject { ["display_id"] = displayed.ValueId };
                        byValueId[displayed.ValueId] = display;
                    }
                    outputs.Add(display);
                    break;
                case ReturnValueProduced returned:
                    if (returned.FormattedValues.Count == 0 || returned.FormattedValues.All(v => v.SuppressDisplay)) break;
                    outputs.Add(new JsonObject
                    {
                        ["output_type"] = "execute_result", ["data"] = Data(returned.FormattedValues),
                        ["metadata"] = new JsonObject(), ["execution_count"] = executionCount,
                    });
                    break;
                case StandardOutputValueProduced stdout:
                    AddStream(outputs, "stdout", Text(stdout.FormattedValues));
                    break;
                case StandardErrorValueProduced stderr:
                    AddStream(outputs, "stderr", Text(stderr.FormattedValues));
                    break;
                case ErrorProduced produced:
                    AddStream(outputs, "stderr", produced.Message + "\n");
                    break;
                case CommandFailed failed:
                    error = failed.Message;
                    outputs.Add(new JsonObject
                    {
                        ["output_type"] = "error",
                        ["ename"] = failed.Exception?.GetType().Name ?? "Error",
                        ["evalue"] = failed.Message,
                        ["traceback"] = new JsonArray((failed.Exception?.ToString() ?? failed.Message).Split('\n').Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
                    });
                    break;
            }
        }
        foreach (var o in outputs) o.Remove("transient");  // display ids are not part of a saved notebook
        return (new JsonArray(outputs.Select(o => (JsonNode?)o).ToArray()), error);
    }

    private static JsonObject Data(IEnumerable<FormattedValue> values)
    {
        var data = new JsonObject();
        foreach (var v in values)
            if (!v.SuppressDisplay && !data.ContainsKey(v.MimeType)) data[v.MimeType] = Lines(v.Value);
        return data;
    }

    private static string Text(IEnumerable<FormattedValue> values) =>
        values.FirstOrDefault(v => v.MimeType == "text/plain")?.Value ?? values.FirstOrDefault()?.Value ?? "";

    private static void AddStream(List<JsonObject> outputs, string name, string text)
    {
        if (outputs.Count > 0 && (string?)outputs[^1]["output_type"] == "stream" && (string?)outputs[^1]["name"] == name)
        {
            var previous = string.Concat(outputs[^1]["text"]!.AsArray().Select(n => (string?)n));
            outputs[^1]["text"] = Lines(previous + text);
            return;
        }
        outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = name, ["text"] = Lines(text) });
    }

    /// <summary>Jupyter stores multi-line strings as arrays of lines, each keeping its line break.</summary>
    public static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
            if (text[i] == '\n') { lines.Add(text[start..(i + 1)]); start = i + 1; }
        if (start < text.Length) lines.Add(text[start..]);
        return lines;
    }

    /// <summary>A multi-line string field (string or array of strings) as one string.</summary>
    public static string Join(JsonNode? node) => node switch
    {
        null => "",
        JsonArray array => string.Concat(array.Select(n => (string?)n)),
        _ => (string?)node ?? "",
    };
}
