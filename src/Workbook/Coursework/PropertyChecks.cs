using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// Collects the results of one exercise's properties. Each property runs on its own: one that throws fails with the
/// exception's first line, and the next property still runs, so a student sees everything that is wrong at once.
/// A <see cref="NotImplementedException"/> (the stub of an exercise the student has not written yet) is remembered,
/// so that the report can say "not implemented yet" instead of listing every property as broken. An error is said in a
/// plain sentence (<see cref="PlainError"/>), and an error already shown under an earlier property is not repeated.
/// </summary>
public sealed class PropertyChecks
{
    private readonly List<PropertyResult> results = new();
    private readonly HashSet<string> shownErrors = new(StringComparer.Ordinal);

    public IReadOnlyList<PropertyResult> Results => results;

    /// <summary>The point group of the properties added from now on (an exercise's header declares the groups' points), or null.</summary>
    public string? Group { get; set; }

    /// <summary>The message of the first <see cref="NotImplementedException"/> met, or null.</summary>
    public string? NotImplemented { get; private set; }

    /// <summary>
    /// Runs one property. <paramref name="problem"/> returns null when the property holds, or what is wrong.
    /// Its tensors are disposed when it returns.
    /// </summary>
    public void Add(string property, Func<string?> problem)
    {
        try
        {
            using var scope = NewDisposeScope();
            string? found = problem();
            results.Add(found == null ? PropertyResult.Holds(property, Group) : PropertyResult.Fails(property, found, Group));
        }
        catch (NotImplementedException e)
        {
            NotImplemented ??= e.Message;
            results.Add(PropertyResult.Fails(property, $"not implemented yet ({e.Message})", Group));
        }
        catch (Exception e)
        {
            // The same kind of error under every property (a k <= K loop fails them all) is said once.
            bool shownBefore = !shownErrors.Add(PlainError.Sentence(e) ?? FirstLine(e.Message));
            results.Add(PropertyResult.Fails(property, shownBefore ? "the same error as above" : PlainError.Explain(e), Group));
        }
    }

    /// <summary>An exception's message up to its first line break (libtorch's messages carry a C++ stack after it).</summary>
    public static string FirstLine(string message)
    {
        string line = message.Split('\n')[0].Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }
}
