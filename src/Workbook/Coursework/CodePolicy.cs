namespace Workbook.Coursework;

/// <summary>
/// What the code a student writes in a notebook may use, in one place for the grader (which binds every student cell
/// with the compiler and asks <see cref="Refusal"/> about each symbol it binds to) and for any check that wants to warn
/// in the notebook itself. An API is named as <c>Namespace::Type.Nested.Member</c> (<c>System::Console.WriteLine</c>,
/// <c>System.IO::File.WriteAllText</c>); a rule names a namespace with everything below it (<c>System.IO</c>), only the
/// types directly in a namespace (<c>System::</c>), a type with its members (<c>System::Console</c>) or one member.
/// The most specific rule wins, a refusal over a permission of the same length; an API no rule permits is refused.
/// </summary>
/// <remarks>
/// Three lists: <see cref="Allowed"/> (what exercises need: tensors and their modules, maths, LINQ, collections, spans,
/// strings, printing, the library's data and display helpers), <see cref="Refused"/> (what could reach the grader, the
/// machine or the answers: reflection, files, processes, threads, the environment, loading code, native code, the
/// notebook's kernel and formatters, the checks themselves), and <see cref="LibraryAnswers"/> (per exercise, the parts
/// of the library that are that exercise's answer).
/// </remarks>
public static class CodePolicy
{
    public const string Reflection = "reflection is not available to exercises";
    public const string Files = "files are not available to exercises";
    public const string Processes = "processes are not available to exercises";
    public const string Threads = "threads, tasks and timers are not available to exercises";
    public const string EnvironmentReason = "the process's environment is not available to exercises";
    public const string LoadingCode = "loading code is not available to exercises";
    public const string NativeCode = "native code and raw memory are not available to exercises";
    public const string Notebook = "the notebook's kernel and formatters are not available to exercises";
    public const string Console = "only Console.Write and Console.WriteLine are available to exercises";
    public const string Collector = "the garbage collector is the runtime's: exercises may not steer it";
    public const string Checks = "the checks belong to the grader";
    public const string Dynamic = "dynamic is not available to exercises: give every value its type";
    public const string Unsafe = "unsafe code is not available to exercises";
    public const string Directive = "#r, #i, #load and #! lines load code or drive the kernel: they belong to the setup cell";
    public const string NotListed = "it is not among the APIs exercises may use (tensors, maths, LINQ, collections, strings, Console.WriteLine)";

    /// <summary>What exercises may use.</summary>
    public static IReadOnlyList<string> Allowed { get; } =
    [
        "System::", "System::Console.Write", "System::Console.WriteLine",
        "System.Linq", "System.Collections", "System.Text", "System.Globalization", "System.Numerics",
        "System.Diagnostics::Stopwatch",
        "TorchSharp",
        "Workbook.Data", "Workbook.Display", "Workbook.Training", "Workbook.Networks", "Workbook.Signals", "Workbook.Evaluation", "Workbook.Fast",
    ];

    /// <summary>What no student cell may use, each with the reason the feedback gives.</summary>
    public static IReadOnlyDictionary<string, string> Refused { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["System.Reflection"] = Reflection, ["System::Type"] = Reflection, ["System::Activator"] = Reflection,
        ["System::Object.GetType"] = Reflection, ["System::Delegate"] = Reflection, ["System::MulticastDelegate"] = Reflection,
        ["System::RuntimeTypeHandle"] = Reflection, ["System::RuntimeMethodHandle"] = Reflection, ["System::RuntimeFieldHandle"] = Reflection,
        ["System::TypedReference"] = Reflection, ["System::ArgIterator"] = Reflection, ["System.Runtime.CompilerServices"] = Reflection,
        ["System.IO"] = Files, ["Workbook.Files"] = Files, ["Workbook.ModelFiles"] = Files, ["Workbook.TorchFiles"] = Files,
        ["TorchSharp::torch.save"] = Files, ["TorchSharp::torch.load"] = Files, ["TorchSharp::torch.jit"] = Files,
        ["TorchSharp::torch.nn.Module.save"] = Files, ["TorchSharp::torch.nn.Module.load"] = Files, ["TorchSharp.PyBridge"] = Files,
        ["System.Diagnostics"] = Processes,
        ["System.Threading"] = Threads, ["System.Timers"] = Threads,
        ["System::Environment"] = EnvironmentReason, ["System::AppContext"] = EnvironmentReason,
        ["System::AppDomain"] = LoadingCode, ["System.Runtime.Loader"] = LoadingCode,
        ["System.Runtime"] = NativeCode, ["System.Runtime.InteropServices"] = NativeCode, ["System::IntPtr"] = NativeCode, ["System::UIntPtr"] = NativeCode,
        ["Microsoft.DotNet.Interactive"] = Notebook, ["Workbook.Hosting"] = Notebook, ["Workbook::Notebook"] = Notebook,
        ["System::Console"] = Console,
        ["System::GC"] = Collector,
        ["Workbook.Coursework"] = Checks,
    };

    /// <summary>Per exercise, the parts of the library that hold its answer (or a part of it).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> LibraryAnswers { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["1.1"] = ["Workbook.Signals", "Workbook.Fast"],
        ["1.2"] = ["Workbook.Signals", "Workbook.Fast"],
        ["1.3"] = ["Workbook.Signals", "Workbook.Networks", "Workbook.Fast"],
        ["2.1"] = ["Workbook.Signals::ShiftRegisterConvolution", "Workbook.Networks", "Workbook.Fast"],
        ["3.1"] = ["Workbook.Networks::CnnSpecification", "Workbook.Networks::MimoCnn", "Workbook.Networks::LayerStack"],
        ["4.1"] = ["Workbook.Training::Trainer", "Workbook.Data::Batches", "Workbook.Evaluation::EvaluationTable.Score", "Workbook.Evaluation::NetworkDenoiser"],
        ["4.2"] = ["Workbook.Data::DataSplit"],
    };

    /// <summary>Why code answering <paramref name="exercises"/> may not use an API, or null when it may.</summary>
    /// <param name="api">the API as <c>Namespace::Type.Member</c> (see the class's summary)</param>
    /// <param name="exercises">the exercises whose library answers the code may not use (none for a demonstration)</param>
    public static string? Refusal(string api, IEnumerable<string> exercises)
    {
        foreach (string exercise in exercises)
            if (LibraryAnswers.TryGetValue(exercise, out var answers) && answers.Any(rule => Matches(rule, api)))
                return $"it is the library's answer to exercise {exercise}: write it yourself";
        int allowed = Allowed.Where(rule => Matches(rule, api)).Select(rule => rule.Length).DefaultIfEmpty(-1).Max();
        var refused = Refused.Where(rule => Matches(rule.Key, api)).OrderByDescending(rule => rule.Key.Length).FirstOrDefault();
        if (refused.Key != null && refused.Key.Length >= allowed) return refused.Value;
        return allowed >= 0 ? null : NotListed;
    }

    /// <summary>The API's name as a reader writes it: <c>System.IO::File.WriteAllText</c> → <c>System.IO.File.WriteAllText</c>.</summary>
    public static string Readable(string api) => api.StartsWith("::", StringComparison.Ordinal) ? api[2..] : api.Replace("::", ".", StringComparison.Ordinal);

    /// <summary>A rule covers the API when it names it, a namespace or type it lies in, or (ending in <c>::</c>) the namespace its type is directly in.</summary>
    public static bool Matches(string rule, string api)
    {
        if (rule.EndsWith("::", StringComparison.Ordinal)) return api.StartsWith(rule, StringComparison.Ordinal);
        if (!api.StartsWith(rule, StringComparison.Ordinal)) return false;
        return api.Length == rule.Length || api[rule.Length] == '.' || api[rule.Length] == ':';
    }
}
