using System.CommandLine;
using System.CommandLine.Parsing;

namespace Workbook.Cli;

/// <summary>
/// The first mistake in a command line, as one line in the workbook's words, with a suggestion for a misspelt verb or
/// option ("unknown option --epoch (did you mean --epochs?)"). System.CommandLine finds the mistakes; this names them
/// the way the README does and catches a value given to a switch, which System.CommandLine would take for an argument.
/// </summary>
internal static class UsageErrors
{
    public static string? Find(ParseResult parsed, IReadOnlyList<string> args)
    {
        var command = parsed.CommandResult.Command;
        var switches = command.Options.Where(o => o.Arity.MaximumNumberOfValues == 0 && o.ValueType == typeof(bool))
            .SelectMany(o => o.Aliases.Prepend(o.Name)).ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            int separator = args[i].IndexOfAny(['=', ':']);
            if (args[i].StartsWith("--", StringComparison.Ordinal) && separator > 0 && switches.Contains(args[i][..separator]))
                return $"{args[i][..separator]} is a switch and takes no value, not '{args[i][(separator + 1)..]}'";
        }
        if (parsed.Errors.Count == 0) return null;

        foreach (string token in parsed.UnmatchedTokens)
        {
            int at = IndexOf(args, token);
            if (at > 0 && switches.Contains(args[at - 1]))
                return $"{args[at - 1]} is a switch and takes no value, not '{token}'";
            if (token.StartsWith('-'))
                return $"unknown option {token}{Suggest(token, command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)))}";
            if (command is RootCommand)
                return $"unknown verb '{token}'{Suggest(token, command.Subcommands.Select(c => c.Name))}";
            return $"unexpected argument '{token}'";
        }
        return parsed.Errors[0].Message;
    }

    private static int IndexOf(IReadOnlyList<string> args, string token)
    {
        for (int i = 0; i < args.Count; i++) if (args[i] == token) return i;
        return -1;
    }

    /// <summary>" (did you mean X?)" for the nearest name within a few edits, else nothing.</summary>
    private static string Suggest(string typed, IEnumerable<string> names)
    {
        var best = names.Distinct().Select(n => (Name: n, Distance: Distance(typed, n))).OrderBy(p => p.Distance).FirstOrDefault();
        return best.Name != null && best.Distance <= Math.Max(2, typed.Length / 3) ? $" (did you mean {best.Name}?)" : "";
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
