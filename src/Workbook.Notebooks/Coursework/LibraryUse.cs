using System.Text.RegularExpressions;
using Workbook.Fast;

namespace Workbook.Notebooks.Coursework;

/// <summary>
/// The library holds a solution to every exercise. An answer that calls it (ShiftOperator.Shift for the shift, the
/// Trainer for the training loop) is not the student's work: the grader refuses it and says which part it used.
/// </summary>
public static class LibraryUse
{
    private static readonly Dictionary<string, string[]> Forbidden = new()
    {
        ["1.1"] = new[] { "ShiftOperator", "Workbook.Signals" },
        ["1.2"] = new[] { "ShiftOperator", "ShiftRegisterConvolution", "CausalConvolution", "Workbook.Signals" },
        ["1.3"] = new[] { "ShiftRegisterConvolution", "CausalConvolution", "Workbook.Signals", "Workbook.Networks" },
        ["2.1"] = new[] { "ShiftRegisterConvolution", "CausalConvolution", "Workbook.Networks" },
        ["3.1"] = new[] { "CnnSpecification", "Networks.MimoCnn", "LayerStack" },
        ["4.1"] = new[] { "Trainer", "Batches" },
        ["4.2"] = new[] { "DataSplit" },
    };

    /// <summary>The first library name the exercise's cells use that its answer must not, or null.</summary>
    public static string? Find(string exercise, IEnumerable<string> sources)
    {
        if (!Forbidden.TryGetValue(exercise, out var names)) return null;
        foreach (string source in sources)
        {
            string code = Regex.Replace(source, @"//[^\n]*", "");   // names in comments do not count
            foreach (string name in names)
                if (Regex.IsMatch(code, $@"(?<!\w){Regex.Escape(name)}\b")) return name;
        }
        return null;
    }
}
