namespace Workbook.Coursework;

/// <summary>
/// One property of a student's code, checked: its name in the student's terms ("the impulse response is the taps")
/// and, when it does not hold, what is wrong, said so that the student can find the mistake without being shown the
/// solution ("row 1 of the batch starts with the last sample of row 0: shift each row on its own").
/// The group, when the exercise gives partial credit, is the part of the exercise the property belongs to ("training").
/// </summary>
public sealed record PropertyResult(string Property, bool Passed, string? Problem = null, string? Group = null)
{
    public static PropertyResult Holds(string property, string? group = null) => new(property, true, null, group);

    public static PropertyResult Fails(string property, string problem, string? group = null) => new(property, false, problem, group);

    /// <summary>One line: "✓ property" or "✗ property: problem".</summary>
    public override string ToString() => Passed ? $"✓ {Property}" : $"✗ {Property}: {Problem}";
}
