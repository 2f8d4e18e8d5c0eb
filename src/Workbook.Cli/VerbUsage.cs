namespace Workbook.Cli;

/// <summary>The part of the usage text about one verb, so that a mistake shows the options of the verb at hand.</summary>
internal static class VerbUsage
{
    /// <summary>
    /// The verb's lines of <paramref name="usage"/> (its line under "verbs:" and the more indented lines after it), under
    /// the usage line; the whole text for an unknown verb.
    /// </summary>
    public static string For(string usage, string? verb)
    {
        var lines = usage.Split('\n');
        int start = Array.FindIndex(lines, l => verb != null && l.StartsWith($"  {verb} ", StringComparison.Ordinal));
        if (start < 0) return usage;
        int end = start + 1;
        while (end < lines.Length && lines[end].StartsWith("    ", StringComparison.Ordinal)) end++;
        return string.Join('\n', new[] { lines[0].Replace("<verb>", verb, StringComparison.Ordinal) }.Concat(lines[start..end]));
    }

    /// <summary>An exception's message as one line: native libraries' messages carry newlines and stack dumps.</summary>
    public static string OneLine(string message)
    {
        string first = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        return first.Length > 300 ? first[..300] + "…" : first;
    }
}
