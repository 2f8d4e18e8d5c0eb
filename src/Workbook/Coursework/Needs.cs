using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Workbook.Coursework;

/// <summary>
/// Demonstration cells that use a student's exercise: <c>Needs.Exercise("1.1", () =&gt; display(…Shift(x, 1)…));</c>
/// runs the demonstration when the exercise is written, and otherwise prints one line, "needs Exercise 1.1 (write
/// Shift)", so that "Run All" goes through a notebook whose exercises are not all done yet. An exercise counts as not
/// written when its check cell found only its stub, or when the demonstration meets a stub's
/// <see cref="NotImplementedException"/>; any other error is the student's and is thrown as it is.
/// </summary>
public static partial class Needs
{
    private static readonly ConcurrentDictionary<string, string> unwritten = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="demonstration"/>, or says which exercise it waits for.</summary>
    public static void Exercise(string exercise, Action demonstration) =>
        Exercise<object?>(exercise, () =>
        {
            demonstration();
            return null;
        });

    /// <summary>The demonstration's result, or the type's default (null) when it waits for an exercise.</summary>
    public static T? Exercise<T>(string exercise, Func<T> demonstration)
    {
        if (unwritten.TryGetValue(exercise, out string? stub))
        {
            Say(stub);
            return default;
        }
        try
        {
            return demonstration();
        }
        catch (NotImplementedException e)
        {
            Say(e.Message);
            return default;
        }
    }

    /// <summary>Runs a demonstration that needs two exercises (a training run needs the split and the loop).</summary>
    public static void Exercise(string first, string second, Action demonstration) =>
        Exercise(first, () => Exercise(second, demonstration));

    public static T? Exercise<T>(string first, string second, Func<T> demonstration) =>
        Exercise(first, () => Exercise(second, demonstration));

    /// <summary>Runs a demonstration that needs three exercises (in the student kit, training also needs the student's network).</summary>
    public static void Exercise(string first, string second, string third, Action demonstration) =>
        Exercise(first, () => Exercise(second, third, demonstration));

    public static T? Exercise<T>(string first, string second, string third, Func<T> demonstration) =>
        Exercise(first, () => Exercise(second, third, demonstration));

    /// <summary>What the check cell of <paramref name="exercise"/> found: a stub (<paramref name="notImplemented"/>, its
    /// message) or code. Called by <see cref="Check"/>.</summary>
    internal static void Checked(string exercise, string? notImplemented)
    {
        if (notImplemented != null) unwritten[exercise] = notImplemented;
        else unwritten.TryRemove(exercise, out _);
    }

    private static void Say(string stub)
    {
        var named = StubPattern().Match(stub);
        Console.WriteLine(!named.Success ? $"needs an exercise that is not written yet ({stub})"
            : named.Groups["title"].Success ? $"needs Exercise {named.Groups["id"].Value} ({named.Groups["title"].Value}), not written yet"
            : $"needs Exercise {named.Groups["id"].Value}, not written yet");
    }

    /// <summary>A stub's message names its exercise: "Exercise 1.1: write Shift".</summary>
    [GeneratedRegex(@"Exercise (?<id>\d+\.\d+)(: (?<title>.+))?")]
    private static partial Regex StubPattern();
}
