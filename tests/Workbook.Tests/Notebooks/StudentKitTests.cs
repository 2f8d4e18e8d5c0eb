using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbook.Coursework;
using Workbook.Notebooks;
using Workbook.Notebooks.Coursework;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// The student kit: its package holds no implementation of an exercise, its checks' stored values are the reference's,
/// and, copied outside the repository, its notebooks run with the model solutions pasted in and every check passes.
/// </summary>
[Collection(StudentNotebookCollection.Name)]
public class StudentKitTests(StudentKitFixture kit)
{
    /// <summary>The answers: the exercises' reference implementations and the library code that computes the same.</summary>
    private static readonly string[] answerTypes =
    [
        "ShiftOperator", "ShiftRegisterConvolution", "ConvolutionLayer", "SingleChannelCnn", "MimoFilter", "MimoCnn", "LayerStack",
        "Trainer", "DataSplit", "WienerFilter", "FilterBankCnn", "FilterBankRecipe", "CausalConvolution", "SimdConvolution",
        "SimdConvolutionThenTanh", "FftConvolution", "OverlapSaveConvolution", "BlockToeplitzConvolution", "CausalCorrelationKernels",
        "TiledInference", "SigmoidFoldedInference", "FastPath", "ConvolutionAlgorithm", "StreamingDenoise", "LabStateDict",
    ];

    /// <summary>What an implementation of an exercise would be called. In the kit only <c>Expected</c>, which looks values up, has
    /// these, and the training loop's check, whose <c>Train</c> runs the student's loop.</summary>
    private static readonly string[] answerMethods = ["Shift", "Filter", "Filter3D", "Split", "Permutation", "Train", "Evaluate"];

    private static readonly (string Type, string Method)[] notAnswers = [("TrainingLoopExercise", "Train")];

    private (List<(string Namespace, string Name)> Types, List<(string Type, string Method)> Methods, List<string> Resources) Library()
    {
        using var zip = ZipFile.OpenRead(kit.Package);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith("/Workbook.dll", StringComparison.Ordinal));
        using var memory = new MemoryStream();
        using (var stream = entry.Open()) stream.CopyTo(memory);
        memory.Position = 0;
        using var pe = new PEReader(memory);
        var reader = pe.GetMetadataReader();
        var types = reader.TypeDefinitions.Select(reader.GetTypeDefinition).ToList();
        string Name(TypeDefinition t) => reader.GetString(t.Name);
        return (types.Select(t => (reader.GetString(t.Namespace), Name(t))).ToList(),
            types.SelectMany(t => t.GetMethods().Select(m => (Name(t), reader.GetString(reader.GetMethodDefinition(m).Name)))).ToList(),
            reader.ManifestResources.Select(r => reader.GetString(reader.GetManifestResource(r).Name)).ToList());
    }

    [Fact]
    public void The_kits_package_holds_no_implementation_of_an_exercise()
    {
        // The setup cell's #r names the version the project packs.
        Assert.Equal($"{StudentKit.PackageId}.{StudentKit.PackageVersion}.nupkg", Path.GetFileName(kit.Package));
        var (types, methods, resources) = Library();
        Assert.Contains(types, t => t is ("Workbook.Coursework", "Check"));   // the reader works: the checks are there
        foreach (string answer in answerTypes)
            Assert.DoesNotContain(types, t => t.Name == answer || t.Name.StartsWith(answer + "`", StringComparison.Ordinal));
        Assert.DoesNotContain(types, t => t.Namespace == "Workbook.FilterBank" || t.Namespace == "Workbook.ModelFiles");
        Assert.DoesNotContain(types, t => t.Namespace == "Workbook.Fast" && Regex.IsMatch(t.Name, "Convolution|Correlation|Inference|FastPath"));
        var found = methods.Where(m => answerMethods.Contains(m.Method) && m.Type != "Expected" && !notAnswers.Contains(m)).ToList();
        Assert.True(found.Count == 0, "methods named like an answer: " + string.Join(", ", found.Select(m => $"{m.Type}.{m.Method}")));
        Assert.Contains(ExpectedValuesFile.ResourceName, resources);
    }

    [Fact]
    public void The_stored_expected_values_are_what_the_reference_computes_now()
    {
        // The keys (hashes of the checks' inputs) must match exactly; the values up to float rounding, since another
        // machine's libtorch may sum in another order.
        string path = Path.Combine(Repository.Root, "src", "Workbook.StudentKit", StudentKit.ExpectedValuesFileName);
        var committed = ExpectedValuesFile.Read(File.ReadAllText(path), path);
        var now = ExpectedValuesFile.Read(KitExpectedValues.Json(), "the reference");
        const string rerun = "src/Workbook.StudentKit/ExpectedValues.json is not what the reference computes: run ./run.sh exercises and commit it";
        Assert.True(committed.Keys.Order(StringComparer.Ordinal).SequenceEqual(now.Keys.Order(StringComparer.Ordinal)), rerun);
        foreach (var (key, value) in now)
            Assert.True(value.shape.SequenceEqual(committed[key].shape) && value.to_type(TorchSharp.torch.ScalarType.Float64)
                .allclose(committed[key].to_type(TorchSharp.torch.ScalarType.Float64), rtol: 1e-5, atol: 1e-6), $"{key}: {rerun}");
    }

    [Fact]
    public void The_kit_copied_anywhere_runs_its_notebooks_with_the_model_solutions_and_every_check_passes()
    {
        Assert.False(kit.Folder.StartsWith(Repository.Root, StringComparison.Ordinal));
        var solutions = ModelSolutions();
        var notebooks = Directory.GetFiles(kit.Folder, "*.ipynb").Where(p => Regex.IsMatch(Path.GetFileName(p), "^0[1-3]-")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, notebooks.Count);
        string output = Directory.CreateTempSubdirectory("workbook-kit-run-").FullName;
        try
        {
            // The solved copies sit in the kit's folder, as a student's would.
            var copies = notebooks.Select(path =>
            {
                var notebook = NotebookFile.Read(path);
                foreach (var cell in notebook["cells"]!.AsArray().Select(c => c!.AsObject()))
                {
                    string source = JupyterOutputs.Join(cell["source"]);
                    if (ExerciseMarkers.Header(source) is var (id, _, _)) cell["source"] = JupyterOutputs.Lines(solutions[id]);
                    else if (Regex.Match(source, @"^// From an earlier notebook: paste your solution of Exercise (?<id>\d\.\d)") is { Success: true } earlier)
                        cell["source"] = JupyterOutputs.Lines(solutions[earlier.Groups["id"].Value].Split('\n', 2)[1]);
                }
                string copy = Path.Combine(kit.Folder, "solved-" + Path.GetFileName(path));
                NotebookFile.Write(copy, notebook);
                return copy;
            }).ToList();
            var result = Repository.Run("dotnet", new[] { Repository.CliDll, "run", "--out", output }.Concat(copies), kit.Folder, TimeSpan.FromMinutes(30));
            string describe = $"exit code {result.ExitCode}\n{result.Output}\n{result.Error}";
            Assert.True(result.ExitCode == 0, describe);
            foreach (string copy in copies)
            {
                var executed = JsonNode.Parse(File.ReadAllText(Path.Combine(output, Path.GetFileName(copy))))!;
                var reports = executed["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? new JsonArray())
                    .Select(o => o!["data"]?[CheckReport.MimeType]).Where(d => d != null)
                    .Select(d => CheckReport.FromJson(d is JsonValue ? (string)d! : JupyterOutputs.Join(d))).ToList();
                Assert.NotEmpty(reports);
                foreach (var report in reports)
                    Assert.True(report.Passed, $"{Path.GetFileName(copy)}, Exercise {report.Exercise}: {string.Join("; ", report.Results.Where(r => !r.Passed).Select(r => $"{r.Property}: {r.Problem}"))}");
            }
        }
        finally
        {
            foreach (string copy in Directory.GetFiles(kit.Folder, "solved-*")) File.Delete(copy);
            Directory.Delete(output, recursive: true);
        }
    }

    [SkippableFact]
    public void A_kit_notebook_runs_in_Jupyter_from_the_copy_with_its_stubs()
    {
        string notebook = Directory.GetFiles(kit.Folder, "01-*.ipynb").Single();
        var executed = JupyterTests.ExecuteInJupyter(notebook);
        var outputs = executed["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? new JsonArray()).ToList();
        Assert.DoesNotContain(outputs, o => (string?)o!["output_type"] == "error");
        string text = string.Join("\n", outputs.Select(o => JupyterOutputs.Join(o!["text"] ?? o["data"]?["text/plain"])));
        Assert.Contains($"/{StudentKit.PackageId.ToLowerInvariant()}/{StudentKit.PackageVersion}/", text);   // the setup line names the package it loaded
        Assert.Matches(@"needs Exercise 1\.1 \(write Shift\), not written yet", text);
    }

    /// <summary>Each exercise's cell in the instructor's notebooks with its solution in place (the markers dropped).</summary>
    private static Dictionary<string, string> ModelSolutions()
    {
        var solutions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in Repository.Notebooks)
            foreach (var cell in NotebookFile.Read(path)["cells"]!.AsArray())
            {
                string source = JupyterOutputs.Join(cell!["source"]);
                if (ExerciseMarkers.Header(source) is var (id, _, _))
                    solutions[id] = string.Join('\n', source.Split('\n').Where(l => l.Trim() != ExerciseMarkers.BeginSolution && l.Trim() != ExerciseMarkers.EndSolution));
            }
        return solutions;
    }
}
