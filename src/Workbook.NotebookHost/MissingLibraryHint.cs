using System.Text.RegularExpressions;

namespace Workbook.Notebooks;

/// <summary>
/// Says in one sentence what to do when a notebook's <c>#r</c> names a Workbook.dll that is not built.
/// .NET Interactive reports only the compiler's "(2,1): error CS0006: Metadata file '…/Workbook.dll' could not be
/// found", followed by "The name 'Workbook' does not exist"; the setup cell's first line names the command too, for
/// Jupyter and VS Code, where this host is not involved.
/// </summary>
public static partial class MissingLibraryHint
{
    /// <summary>The sentence for a cell's error, or null when the error is not a missing Workbook.dll.</summary>
    public static string? For(string? error)
    {
        if (error == null) return null;
        var match = MissingWorkbookDll().Match(error);
        return match.Success
            ? $"The workbook's library is not built ({match.Groups[1].Value} is missing): in the repository root run `dotnet build Workbook.sln -c Release` (or ./run.sh), then run this cell again."
            : null;
    }

    [GeneratedRegex(@"CS0006: Metadata file '([^']*Workbook\.dll)' could not be found")]
    private static partial Regex MissingWorkbookDll();
}
