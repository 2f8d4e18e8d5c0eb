using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Workbook.Fast;

namespace Workbook.Cli;

/// <summary>
/// The kinds of option the verbs take, built on System.CommandLine with the workbook's own messages
/// ("--epochs must be a whole number >= 1, not 'x'"), which name the option and the value as the user typed them.
/// Every option shows its default in <c>--help</c>.
/// </summary>
internal static class Options
{
    public static Option<int> WholeNumber(string name, int fallback, string description, int minimum = int.MinValue) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => fallback,
        CustomParser = result => Parse<int>(result, name, text =>
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= minimum ? value : null,
            $"must be a whole number{(minimum > int.MinValue ? $" >= {minimum}" : "")}"),
    };

    public static Option<double> Number(string name, double fallback, string description, double exclusiveMinimum = double.NegativeInfinity) => new(name)
    {
        Description = description,
        HelpName = "X",
        DefaultValueFactory = _ => fallback,
        CustomParser = result => Parse<double>(result, name, text =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && value > exclusiveMinimum ? value : null,
            $"must be a number{(double.IsFinite(exclusiveMinimum) ? $" > {exclusiveMinimum.ToString(CultureInfo.InvariantCulture)}" : "")}"),
    };

    /// <summary>A comma-separated list such as <c>40,40</c>, kept as text so that help shows it as typed.</summary>
    public static Option<string> IntegerList(string name, string fallback, string description)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => fallback, HelpName = "LIST" };
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && TryParseList(result.Tokens[0].Value) == null)
                result.AddError($"{name} must be a comma-separated list of whole numbers like {fallback}, not '{result.Tokens[0].Value}'");
        });
        return option;
    }

    /// <summary>The numbers of a list the option's validator has accepted.</summary>
    public static long[] ParseList(string text) => TryParseList(text) ?? throw new UsageException($"not a list of whole numbers: '{text}'");

    private static long[]? TryParseList(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!long.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i])) return null;
        return values;
    }

    public static Option<string> Text(string name, string? fallback, string description, string helpName, params string[] aliases)
    {
        var option = new Option<string>(name, aliases) { Description = description, HelpName = helpName };
        if (fallback != null) option.DefaultValueFactory = _ => fallback;
        return option;
    }

    /// <summary>A switch: present or not, never with a value (<c>--float=yes</c> and <c>--tanh-every-layer no</c> are mistakes).</summary>
    public static Option<bool> Switch(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    public static Option<int> Threads() =>
        WholeNumber("--threads", 0, "libtorch threads; 0 keeps libtorch's default (train: the fastest of 1, half and all cores, timed on its first steps)", minimum: 0);

    public static Option<string> Device() => Text("--device", "cpu", "cpu, cuda or cuda:N", "DEVICE");

    private static T Parse<T>(ArgumentResult result, string name, Func<string, T?> parse, string expected) where T : struct
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (parse(text) is T value) return value;
        result.AddError($"{name} {expected}, not '{text}'");
        return default;
    }
}
