using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// "Run All" on the student notebooks as handed out, every exercise still a stub, from the kit copied outside the
/// repository: every cell runs, the checks say "not implemented yet", and each demonstration that needs an exercise
/// prints one line saying which.
/// </summary>
[Collection(StudentNotebookCollection.Name)]
public class StudentNotebookRunTests(StudentKitFixture kit)
{
    [Fact]
    public void Every_student_notebook_with_its_stubs_runs_to_the_end_without_a_failed_cell()
    {
        string output = Directory.CreateTempSubdirectory("workbook-student-run-").FullName;
        try
        {
            var notebooks = Directory.GetFiles(kit.Folder, "*.ipynb").Order(StringComparer.Ordinal).ToList();
            Assert.Equal(4, notebooks.Count);
            var result = Repository.Run("dotnet", new[] { Repository.CliDll, "run", "--out", output }.Concat(notebooks), kit.Folder, TimeSpan.FromMinutes(30));
            string describe = $"exit code {result.ExitCode}\n{result.Output}\n{result.Error}";
            Assert.True(result.ExitCode == 0, describe);
            foreach (string notebook in notebooks)
            {
                string name = Path.GetFileNameWithoutExtension(notebook);
                var line = result.Output.Split('\n').SingleOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
                Assert.True(line != null && Regex.IsMatch(line, @"\d+ cells +\d+\.\d s  ok\s*$"), describe);
                var executed = JsonNode.Parse(File.ReadAllText(Path.Combine(output, name + ".ipynb")))!;
                var outputs = executed["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? new JsonArray()).ToList();
                Assert.DoesNotContain(outputs, o => (string?)o!["output_type"] == "error");
                string text = string.Join("\n", outputs.Select(o => Workbook.Notebooks.JupyterOutputs.Join(o!["text"])));
                Assert.Matches(@"needs Exercise \d\.\d \(.+\), not written yet", text);
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}

/// <summary>Notebook runs take the two cores: they run alone, on one student kit packed for them all.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StudentNotebookCollection : ICollectionFixture<StudentKitFixture>
{
    public const string Name = "Student notebooks";
}
