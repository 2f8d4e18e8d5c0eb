using System.CommandLine;
using Workbook.Cli;

// The workbook's command line: System.CommandLine parses (help, completion, POSIX conventions), each verb is one
// small class, and this file only reports errors: bad arguments are one line and the verb's usage, exit 2; any other
// error is one line, exit 1.
// Before libtorch loads: its OpenMP threads must sleep, not spin, between operations (see OpenMpWaitPolicy).
Workbook.Fast.OpenMpWaitPolicy.PreferSleepingThreads();
// Freed tensors' memory is kept for the next ones rather than mapped afresh and faulted in (see FreedMemoryPolicy).
Workbook.Fast.FreedMemoryPolicy.KeepFreedMemory();
var root = Verbs.Root();
var parsed = root.Parse(args);
if (args.Length == 0)
{
    Verbs.WriteHelp(parsed, Console.Out);
    return 2;
}
if (UsageErrors.Find(parsed, args) is string usageError)
{
    Console.Error.WriteLine($"workbook: {ErrorText.OneLine(usageError)}");
    Verbs.WriteHelp(parsed, Console.Error);
    return 2;
}

return QuickExit.End(Run());

// The verb, and one line for any error it ends with.
int Run()
{
    try
    {
        return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }
    catch (UsageException e)
    {
        Console.Error.WriteLine($"workbook: {ErrorText.OneLine(e.Message)}");
        Verbs.WriteHelp(parsed, Console.Error);
        return 2;
    }
    catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException or NotSupportedException)
    {
        Console.Error.WriteLine($"workbook: {ErrorText.OneLine(e.Message)}");
        return 1;
    }
    catch (Exception e)
    {
        // Anything else is a bug or an environment problem; still one line, with the exception's type to report it by.
        Console.Error.WriteLine($"workbook: unexpected {e.GetType().Name}: {ErrorText.OneLine(e.Message)}");
        if (Environment.GetEnvironmentVariable("WORKBOOK_TRACE") == "1") Console.Error.WriteLine(e);
        return 1;
    }
}
