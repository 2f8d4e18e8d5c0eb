using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Workbook.Notebooks.Coursework;
using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Coursework;

/// <summary>
/// A stand-in for the notebook host that starts no .NET kernel, so a class run can be tested in seconds: a short
/// Python program that "executes" a notebook by running every code cell that is a C# comment <c>/*sh … */</c> as a
/// shell script (the student's code, for attacks: a comment passes the grader's code review, which the attack must
/// get past to reach the kernel), giving every code cell an execution count, and writing the executed
/// notebook and the outcome file where the grader asks. Its C# cells show no output, so their checks report nothing
/// (the exercises fail), which is all a test of the class run needs. With <see cref="Leak"/>, every code cell shows
/// an error whose message is the text of the whole notebook it was given, as student code that read the notebook file
/// (model solutions and hidden checks included) and threw it would.
/// </summary>
public sealed class ShellKernel
{
    private const string Program = """
import json, subprocess, sys
notebook, executed, outcome, mode = sys.argv[1:5]
nb = json.load(open(notebook))
text = " ".join(l.strip() for c in nb["cells"] for l in "".join(c["source"] if isinstance(c["source"], list) else [c["source"]]).split("\n"))
count = 0
for cell in nb["cells"]:
    if cell["cell_type"] != "code": continue
    count += 1
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    if source.startswith("/*sh\n"): subprocess.run(["sh", "-c", source[len("/*sh\n"):].rsplit("*/", 1)[0]])
    cell["execution_count"] = count
    cell["outputs"] = [{"output_type": "error", "ename": "Leak", "evalue": text, "traceback": []}] if mode == "leak" else []
json.dump(nb, open(executed, "w"))
json.dump({"CellsRun": count, "FailedCell": None, "Error": None}, open(outcome, "w"))
""";

    /// <summary>The notebooks it was asked to run (their text), to tell that a broken one never reached a kernel.</summary>
    public ConcurrentBag<string> Ran { get; } = new();

    public bool Leak { get; init; }

    public ProcessStartInfo Start(string notebook, string executed, string outcome)
    {
        Ran.Add(File.ReadAllText(notebook));
        var start = new ProcessStartInfo("/usr/bin/python3");
        foreach (string word in new[] { "-c", Program, notebook, executed, outcome, Leak ? "leak" : "plain" }) start.ArgumentList.Add(word);
        return start;
    }

    public GradingOptions Options(string output, string workRoot, TimeSpan? submissionTimeout = null) =>
        new(Repository.NotebookFolder, output, TimeSpan.FromMinutes(2), Start)
        {
            WorkRoot = workRoot,
            SubmissionTimeout = submissionTimeout ?? TimeSpan.FromMinutes(5),
        };

    /// <summary>The instructor's notebook 01 (its file name and JSON), the notebook most tests submit.</summary>
    public static (string Name, JsonObject Notebook) Notebook01()
    {
        string path = Repository.Notebooks.First(p => Path.GetFileName(p).StartsWith("01-", StringComparison.Ordinal));
        return (Path.GetFileName(path), NotebookFile.Read(path));
    }

    /// <summary>The instructor's notebook whose name starts with <paramref name="number"/> ("02"): its file name and JSON.</summary>
    public static (string Name, JsonObject Notebook) Instructor(string number)
    {
        string path = Repository.Notebooks.First(p => Path.GetFileName(p).StartsWith(number + "-", StringComparison.Ordinal));
        return (Path.GetFileName(path), NotebookFile.Read(path));
    }

    /// <summary>Notebook 01 (or another) with a cell of student shell code right after the setup cell (cells after the last check are not run).</summary>
    public static JsonObject WithShellCell(string script, JsonObject? into = null)
    {
        var notebook = into ?? Notebook01().Notebook;
        notebook["cells"]!.AsArray().Insert(1, new JsonObject
        {
            ["cell_type"] = "code", ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(), ["execution_count"] = null,
            ["source"] = "/*sh\n" + script + "\n*/",
        });
        return notebook;
    }
}
