using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Workbook.Notebooks.Coursework;

/// <summary>
/// The setup cell references the built library by a path relative to the notebook (<c>#r "../src/Workbook/bin/…"</c>).
/// A copy of a notebook written elsewhere (the student versions, a notebook being graded) needs that path
/// rewritten for its own folder.
/// </summary>
public static partial class SetupCell
{
    [GeneratedRegex(@"#r ""(?<path>[^""]*?)src/Workbook/bin/")]
    private static partial Regex LibraryReference();

    /// <summary>The notebook with every <c>#r "…src/Workbook/bin/…"</c> pointing from <paramref name="toFolder"/> to the same library.</summary>
    /// <param name="fromFolder">the folder the paths are relative to now</param>
    /// <param name="toFolder">the folder the notebook will be in; null makes the path absolute</param>
    public static JsonObject Relocate(JsonObject notebook, string fromFolder, string? toFolder)
    {
        foreach (var node in notebook["cells"]!.AsArray())
        {
            var cell = node!.AsObject();
            if ((string?)cell["cell_type"] != "code") continue;
            string source = JupyterOutputs.Join(cell["source"]);
            string relocated = LibraryReference().Replace(source, match =>
            {
                string root = Path.GetFullPath(Path.Combine(fromFolder, match.Groups["path"].Value));
                string path = toFolder == null ? root : Path.GetRelativePath(toFolder, root);
                path = path.Replace('\\', '/').TrimEnd('/');
                return $"#r \"{(path.Length == 0 || path == "." ? "" : path + "/")}src/Workbook/bin/";
            });
            if (relocated != source) cell["source"] = JupyterOutputs.Lines(relocated);
        }
        return notebook;
    }
}
