using System.Text.RegularExpressions;
using Workbook.Files;

namespace Workbook.Cli;

/// <summary>Messages as the one line the command line prints for an error.</summary>
internal static partial class ErrorText
{
    /// <summary>
    /// An exception's message as one line: native libraries' messages carry newlines and stack dumps; .NET's argument
    /// exceptions append "(Parameter 'name')", a name from the code the reader cannot use; and whatever control
    /// characters a file smuggled into the message are shown escaped, so that it cannot repaint the terminal.
    /// </summary>
    public static string OneLine(string message)
    {
        string first = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        first = ParameterName().Replace(first, "");
        return Quoted.Escape(first, 300);
    }

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)")]
    private static partial Regex ParameterName();
}
