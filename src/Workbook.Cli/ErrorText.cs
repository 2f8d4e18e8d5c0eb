namespace Workbook.Cli;

/// <summary>Messages as the one line the command line prints for an error.</summary>
internal static class ErrorText
{
    /// <summary>An exception's message as one line: native libraries' messages carry newlines and stack dumps.</summary>
    public static string OneLine(string message)
    {
        string first = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        return first.Length > 300 ? first[..300] + "…" : first;
    }
}
