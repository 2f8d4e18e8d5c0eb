using System.Globalization;

namespace Workbook.Cli;

/// <summary>
/// The words after the verb: <c>--name value</c> options, <c>--flag</c> switches and positional values.
/// Every option a command reads is marked as used, so a misspelt one is an error, not silently ignored.
/// </summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string?> options = new(StringComparer.Ordinal);
    private readonly HashSet<string> used = new(StringComparer.Ordinal);
    private readonly List<string> positional = new();

    public Arguments(IEnumerable<string> words, IReadOnlyDictionary<string, string>? aliases = null)
    {
        var list = words.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string word = list[i];
            if (aliases != null && aliases.TryGetValue(word, out var full)) word = full;
            if (word.StartsWith("--", StringComparison.Ordinal) && word.Length > 2)
            {
                string name = word[2..];
                string? value = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
                else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal)) value = list[++i];
                if (options.ContainsKey(name)) throw new UsageException($"--{name} is given twice");
                options[name] = value;
            }
            else positional.Add(word);
        }
    }

    public IReadOnlyList<string> Positional => positional;

    public bool Has(string name) { used.Add(name); return options.ContainsKey(name); }

    public string? Text(string name)
    {
        used.Add(name);
        if (!options.TryGetValue(name, out var value)) return null;
        return value ?? throw new UsageException($"--{name} needs a value");
    }

    public string Text(string name, string fallback) => Text(name) ?? fallback;

    public int Integer(string name, int fallback, int minimum = int.MinValue)
    {
        string? text = Text(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < minimum)
            throw new UsageException($"--{name} must be a whole number{(minimum > int.MinValue ? $" >= {minimum}" : "")}, not '{text}'");
        return value;
    }

    public double Number(string name, double fallback, double exclusiveMinimum = double.NegativeInfinity)
    {
        string? text = Text(name);
        if (text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value <= exclusiveMinimum)
            throw new UsageException($"--{name} must be a number{(double.IsFinite(exclusiveMinimum) ? $" > {exclusiveMinimum}" : "")}, not '{text}'");
        return value;
    }

    public long[] IntegerList(string name, long[] fallback)
    {
        string? text = Text(name);
        if (text is null) return fallback;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!long.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]))
                throw new UsageException($"--{name} must be a comma-separated list of whole numbers like 40,40, not '{text}'");
        return values;
    }

    /// <summary>Fails on any option no command asked for (call after reading all options).</summary>
    public void RejectUnknown(int maxPositional = 0)
    {
        var unknown = options.Keys.Where(k => !used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option --{unknown[0]}");
        if (positional.Count > maxPositional)
            throw new UsageException($"unexpected argument '{positional[maxPositional]}'");
    }
}

/// <summary>A mistake in the command line: the program prints the message and the usage, and exits with 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
