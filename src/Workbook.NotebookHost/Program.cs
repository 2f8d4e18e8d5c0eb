using Workbook.Notebooks;

// Workbook.NotebookHost --execute-one NOTEBOOK --executed PATH --outcome PATH [--continue-after-error] [--check-channel]
// Executes one notebook in this process (see Workbook.NotebookHost.csproj for why this is a program of its own).
// --check-channel (grading): the run's secret is the first line of standard input, read before any cell runs; each
// cell's outcome and the grader's check reports go to standard output, signed with it (see CheckChannel).
// Exit codes: 0 every cell ran, 1 a cell failed, 2 wrong arguments.
const string usage = "usage: Workbook.NotebookHost --execute-one NOTEBOOK --executed PATH --outcome PATH [--continue-after-error] [--check-channel]";
string? notebook = null, executed = null, outcome = null;
bool continueAfterError = false, checkChannel = false;
for (int i = 0; i < args.Length; i++)
{
    string? Value() => i + 1 < args.Length ? args[++i] : null;
    switch (args[i])
    {
        case "--execute-one": notebook = Value(); break;
        case "--executed": executed = Value(); break;
        case "--outcome": outcome = Value(); break;
        case "--continue-after-error": continueAfterError = true; break;
        case "--check-channel": checkChannel = true; break;
        default:
            Console.Error.WriteLine($"Workbook.NotebookHost: unknown argument '{args[i]}'\n{usage}");
            return 2;
    }
}
if (notebook is null || executed is null || outcome is null)
{
    Console.Error.WriteLine(usage);
    return 2;
}
// The channel holds the standard output stream as it is now, before any cell could redirect Console.
var channel = checkChannel ? CheckChannel.Open(Console.In, Console.OpenStandardOutput()) : null;
return await NotebookChild.ExecuteAsync(notebook, executed, outcome, Console.Out, continueAfterError, channel);
