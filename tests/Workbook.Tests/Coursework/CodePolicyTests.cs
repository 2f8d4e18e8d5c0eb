using Workbook.Coursework;
using Workbook.Notebooks;
using Workbook.Notebooks.Coursework;
using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Coursework;

/// <summary>
/// The allow-list the grader applies to student cells before a notebook runs, judged on small cells compiled as the
/// kernel would (after a demonstration cell with the notebooks' usings), without running anything.
/// </summary>
public class CodePolicyTests
{
    private const string Usings =
        "using TorchSharp;\nusing TorchSharp.Modules;\nusing static TorchSharp.torch;\nusing Workbook.Data;\nusing Workbook.Display;\n" +
        "using Workbook.Evaluation;\nusing Workbook.Coursework;\nusing Workbook.Fast;\nusing Workbook.Networks;\nusing Workbook.Signals;\nusing Workbook.Training;\n";

    /// <summary>The refusals of one student cell answering <paramref name="exercise"/>, after the demonstration's usings.</summary>
    private static IReadOnlyList<CodeRefusal> Judge(string cell, string exercise = "1.1", params string[] before) =>
        CodeReview.Judge(new[] { new ReviewedCell(Usings, false, []) }
            .Concat(before.Select(b => new ReviewedCell(b, true, [])))
            .Append(new ReviewedCell(cell, true, [exercise])).ToList());

    private static void AssertRefused(string cell, string api, string reason, string exercise = "1.1", int line = 1)
    {
        var refusals = Judge(cell, exercise);
        Assert.True(refusals.Count > 0, $"accepted: {cell}");
        Assert.Equal(line, refusals[0].Line);
        Assert.Equal(api, refusals[0].Api);
        Assert.Equal(reason, refusals[0].Reason);
    }

    [Theory]
    [InlineData("System.IO.File.WriteAllText(\"x.txt\", \"1\");", "System.IO.File.WriteAllText", CodePolicy.Files)]
    [InlineData("var r = new System.IO.StreamReader(\"notebook.ipynb\");", "System.IO.StreamReader", CodePolicy.Files)]
    [InlineData("torch.save(zeros(3), \"x.pt\");", "TorchSharp.torch.save", CodePolicy.Files)]
    [InlineData("var a = typeof(Check).Assembly;", "System.Type.Assembly", CodePolicy.Reflection)]
    [InlineData("var m = typeof(ShiftOperator).GetMethod(\"Shift\");", "System.Type.GetMethod", CodePolicy.Reflection)]
    [InlineData("var t = Type.GetType(\"Workbook.Signals.ShiftOperator, Workbook\");", "System.Type.GetType", CodePolicy.Reflection)]
    [InlineData("var t = 3.GetType();", "System.Object.GetType", CodePolicy.Reflection)]
    [InlineData("var a = System.Reflection.Assembly.Load(\"Workbook\");", "System.Reflection.Assembly.Load", CodePolicy.Reflection)]
    [InlineData("Func<int> f = () => 1; var m = f.Method;", "System.Delegate.Method", CodePolicy.Reflection)]
    [InlineData("System.Diagnostics.Process.Start(\"sh\");", "System.Diagnostics.Process.Start", CodePolicy.Processes)]
    [InlineData("new System.Threading.Thread(() => { }).Start();", "System.Threading.Thread.Start", CodePolicy.Threads)]
    [InlineData("System.Threading.Tasks.Task.Run(() => 1);", "System.Threading.Tasks.Task.Run", CodePolicy.Threads)]
    [InlineData("var home = Environment.GetEnvironmentVariable(\"HOME\");", "System.Environment.GetEnvironmentVariable", CodePolicy.EnvironmentReason)]
    [InlineData("AppDomain.CurrentDomain.ProcessExit += (s, e) => { };", "System.AppDomain.ProcessExit", CodePolicy.LoadingCode)]
    [InlineData("var c = System.Runtime.Loader.AssemblyLoadContext.Default;", "System.Runtime.Loader.AssemblyLoadContext.Default", CodePolicy.LoadingCode)]
    [InlineData("var p = System.Runtime.InteropServices.Marshal.AllocHGlobal(8);", "System.Runtime.InteropServices.Marshal.AllocHGlobal", CodePolicy.NativeCode)]
    [InlineData("[System.Runtime.InteropServices.DllImport(\"libc\")] static extern int getpid();", "unsafe", CodePolicy.Unsafe)]
    [InlineData("GC.Collect();", "System.GC.Collect", CodePolicy.Collector)]
    [InlineData("Console.SetOut(new System.IO.StringWriter());", "System.Console.SetOut", CodePolicy.Console)]
    [InlineData("var input = Console.OpenStandardInput();", "System.Console.OpenStandardInput", CodePolicy.Console)]
    [InlineData("display(1);", "Microsoft.DotNet.Interactive.Kernel.display", CodePolicy.Notebook)]
    [InlineData("Microsoft.DotNet.Interactive.Formatting.Formatter.Register<int>(i => \"x\", \"text/plain\");", "Microsoft.DotNet.Interactive.Formatting.Formatter.Register", CodePolicy.Notebook)]
    [InlineData("var r = Check.Exercise(\"1.1\", (Tensor x, long k) => x);", "Workbook.Coursework.Check.Exercise", CodePolicy.Checks)]
    [InlineData("dynamic d = 1;", "dynamic", CodePolicy.Dynamic)]
    [InlineData("unsafe { int i = 1; int* p = &i; }", "unsafe", CodePolicy.Unsafe)]
    [InlineData("var sw = new System.Net.WebClient();", "System.Net.WebClient", CodePolicy.NotListed)]
    public void Each_refused_category_is_refused_with_the_api_and_the_reason(string cell, string api, string reason) =>
        AssertRefused(cell, api, reason);

    [Theory]
    [InlineData("1.1", "var y = ShiftOperator.Shift(zeros(4), 1);", "Workbook.Signals.ShiftOperator.Shift")]
    [InlineData("1.2", "var y = ShiftRegisterConvolution.Filter(zeros(4), ones(2));", "Workbook.Signals.ShiftRegisterConvolution.Filter")]
    [InlineData("1.3", "var net = new Workbook.Networks.MimoFilter(2, 1, 1);", "Workbook.Networks.MimoFilter")]
    [InlineData("2.1", "var y = CausalConvolution.Filter(zeros(1, 1, 4), ones(1, 1, 1));", "Workbook.Fast.CausalConvolution.Filter")]
    [InlineData("3.1", "var spec = CnnSpecification.LabDenoiser;", "Workbook.Networks.CnnSpecification.LabDenoiser")]
    [InlineData("4.1", "var trainer = new Trainer(TrainingOptions.Lab);", "Workbook.Training.Trainer")]
    [InlineData("4.1", "IDenoiser d = new NetworkDenoiser(nn.Identity());", "Workbook.Evaluation.NetworkDenoiser")]
    [InlineData("4.2", "var s = DataSplit.Permutation(4, 1);", "Workbook.Data.DataSplit.Permutation")]
    public void The_librarys_answer_to_an_exercise_is_refused_in_that_exercise(string exercise, string cell, string api)
    {
        var refusals = Judge(cell, exercise);
        Assert.True(refusals.Count > 0, $"accepted: {cell}");
        Assert.StartsWith(api, refusals[0].Api);
        Assert.Equal($"it is the library's answer to exercise {exercise}: write it yourself", refusals[0].Reason);
    }

    [Theory]
    [InlineData("var y = zeros(2, 3).matmul(ones(3, 4)).sum(0L, keepdim: false);")]
    [InlineData("var layer = nn.Linear(3, 4); var opt = optim.SGD(layer.parameters(), 0.1); var l = nn.functional.l1_loss(layer.call(ones(2, 3)), zeros(2, 4));")]
    [InlineData("double s = Math.Sqrt(2.0) + MathF.Tanh(1f) + Math.PI;")]
    [InlineData("var evens = Enumerable.Range(0, 10).Where(i => i % 2 == 0).Select(i => (long)i).ToArray();")]
    [InlineData("var map = new Dictionary<string, List<int>>(); var set = new HashSet<long>(); var q = new Queue<int>();")]
    [InlineData("Span<float> s = stackalloc float[4]; ReadOnlySpan<char> c = \"abc\".AsSpan(); var n = s.Length + c.Length;")]
    [InlineData("var b = new StringBuilder(); b.Append(\"x\").Append(3); var t = string.Join(\",\", new[] { \"a\" }).ToUpperInvariant();")]
    [InlineData("Console.WriteLine(\"hello\"); Console.Write(3);")]
    [InlineData("var rng = new Random(1); var p = (1, \"a\"); var r = rng.Next(3) + p.Item1; var d = DateTime.Now;")]
    [InlineData("var watch = System.Diagnostics.Stopwatch.StartNew(); var ms = watch.Elapsed.TotalMilliseconds;")]
    [InlineData("var options = TrainingOptions.Lab with { Epochs = 1 }; var losses = new EpochLosses(1, 0.5, 0.6);")]
    [InlineData("// System.IO.File.WriteAllText(\"x\", \"y\"); Check.Exercise(\"1.1\", Shift); ShiftOperator.Shift\nvar text = \"Process.Start System.Reflection typeof(Check).Assembly\";")]
    public void Allowed_apis_are_accepted(string cell) =>
        Assert.Empty(Judge(cell));

    [Fact]
    public void A_students_own_helper_named_like_a_library_type_is_the_students()
    {
        const string helper = "static IEnumerable<long[]> Batches(long count, int size) => Enumerable.Range(0, (int)count).Select(i => (long)i).Chunk(size);";
        Assert.Empty(Judge("var all = Batches(10, 3).ToList();", "4.1", helper));
        Assert.Empty(Judge("class Trainer { public int Epochs = 1; }\nvar t = new Trainer();", "4.1"));
        Assert.Empty(Judge("static Tensor display(Tensor x) => x;\nclass Check { }\nvar y = display(zeros(3));", "1.1"));
        // The library's Batches under the same name is still the library's.
        Assert.NotEmpty(Judge("var b = new Workbook.Data.Batches(4, 2, 1);", "4.1"));
    }

    [Fact]
    public void An_alias_is_judged_by_what_it_names()
    {
        AssertRefused("using F = System.IO.File;\nF.WriteAllText(\"x\", \"y\");", "System.IO.File.WriteAllText", CodePolicy.Files, line: 2);
        AssertRefused("using S = Workbook.Signals.ShiftOperator;\nvar y = S.Shift(zeros(3), 1);", "Workbook.Signals.ShiftOperator.Shift",
            "it is the library's answer to exercise 1.1: write it yourself", line: 2);
        AssertRefused("using static System.Console;\nSetOut(TextWriter.Null);", "System.Console.SetOut", CodePolicy.Console, line: 2);
    }

    [Fact]
    public void Directives_that_load_code_are_refused_and_the_line_named()
    {
        var refusals = Judge("var a = 1;\n#r \"/tmp/evil.dll\"\nvar b = 2;");
        Assert.Equal(2, Assert.Single(refusals).Line);
        Assert.Equal(CodePolicy.Directive, refusals[0].Reason);
        Assert.Equal("line 2 uses #r: " + CodePolicy.Directive, refusals[0].Message);
    }

    [Fact]
    public void The_demonstration_cells_are_not_judged_but_bind_the_students()
    {
        // The instructor's cell may use anything; the student's use of what it declared is judged by its own symbols.
        var refusals = CodeReview.Judge(new[]
        {
            new ReviewedCell(Usings + "var clipsFolder = System.IO.Path.GetTempPath();", false, []),
            new ReviewedCell("var name = clipsFolder.ToUpperInvariant();", true, ["1.1"]),
        });
        Assert.Empty(refusals);
    }

    [Fact]
    public void Every_model_solution_in_the_instructor_notebooks_is_accepted()
    {
        foreach (string path in Repository.Notebooks)
        {
            var course = CourseNotebook.Read(path);
            var exerciseOf = course.Exercises.ToDictionary(e => e.Cell, e => e.Id);
            var cells = course.Instructor["cells"]!.AsArray()
                .Select((c, i) => (Cell: c!, Index: i))
                .Where(c => (string?)c.Cell["cell_type"] == "code")
                .Select(c => new ReviewedCell(JupyterOutputs.Join(c.Cell["source"]), exerciseOf.ContainsKey(c.Index),
                    exerciseOf.TryGetValue(c.Index, out var id) ? [id] : []))
                .ToList();
            var refusals = CodeReview.Judge(cells);
            Assert.True(refusals.Count == 0, $"{course.Name}: {string.Join("; ", refusals.Select(r => r.Message))}");
        }
    }
}
