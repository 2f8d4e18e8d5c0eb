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
    private readonly List<(int Index, string Word)> positional = new();
    /// <summary>Where each option's value came from: the word index after it, or -1 for <c>--name=value</c>.</summary>
    private readonly Dictionary<string, int> valueIndex = new(StringComparer.Ordinal);
    /// <summary>Words a switch had taken as its value and gave back: the switch's name, for the message.</summary>
    private readonly Dictionary<int, string> givenBack = new();

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
                int from = -1;
                if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
                else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal) && aliases?.ContainsKey(list[i + 1]) != true)
                { value = list[++i]; from = i; }
                if (options.ContainsKey(name)) throw new UsageException($"--{name} is given twice");
                options[name] = value;
                valueIndex[name] = from;
            }
            else positional.Add((i, word));
        }
    }

    public IReadOnlyList<string> Positional => positional.OrderBy(p => p.Index).Select(p => p.Word).ToList();

    /// <summary>
    /// A switch: present or not, never with a value. The word after it, which the parser took for a value, is given
    /// back as a positional argument (<c>--float in.wav</c>); <c>--float=yes</c> is an error, and so is a word no
    /// command expects (<c>--tanh-every-layer no</c> must not switch it on).
    /// </summary>
    public bool Has(string name)
    {
        used.Add(name);
        if (!options.TryGetValue(name, out var value)) return false;
        if (value != null)
        {
            if (valueIndex[name] < 0) throw new UsageException($"--{name} is a switch and takes no value, not '{value}'");
            positional.Add((valueIndex[name], value));
            givenBack[valueIndex[name]] = name;
            options[name] = null;
        }
        return true;
    }

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
        {
            var extra = positional.OrderBy(p => p.Index).Skip(maxPositional).FirstOrDefault(p => givenBack.ContainsKey(p.Index));
            if (extra.Word != null)
                throw new UsageException($"--{givenBack[extra.Index]} is a switch and takes no value, not '{extra.Word}'");
            throw new UsageException($"unexpected argument '{Positional[maxPositional]}'");
        }
    }
}

/// <summary>A mistake in the command line: the program prints the message and the usage, and exits with 2.</summary>
/// <remarks><see cref="Checked{T}"/> turns the library's ArgumentException for a bad value (a device, an architecture) into one.</remarks>
internal sealed class UsageException(string message) : Exception(message)
{
    /// <summary>Runs a check of command-line values; its ArgumentException is a usage mistake (exit 2), not a failure.</summary>
    public static T Checked<T>(Func<T> check)
    {
        try { return check(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }
}
