namespace Workbook.Tests;

/// <summary>The workbook's command line run as a user runs it (a separate process from the repository's root), for the
/// tests of its verbs.</summary>
internal static class CommandLine
{
    /// <summary><c>workbook ARGUMENTS…</c>, stopped after <see cref="Repository.RunCli"/>'s default time.</summary>
    public static Repository.ProcessResult Run(params string[] arguments) => Repository.RunCli(arguments);

    /// <summary><c>workbook ARGUMENTS…</c>, stopped after <paramref name="timeout"/>.</summary>
    public static Repository.ProcessResult RunWithin(TimeSpan timeout, params string[] arguments) => Repository.RunCli(arguments, timeout);
}
