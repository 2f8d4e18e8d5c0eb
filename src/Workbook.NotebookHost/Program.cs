using Workbook.Notebooks;

// Workbook.NotebookHost --execute-one NOTEBOOK --executed PATH --outcome PATH [--continue-after-error]
// Executes one notebook in this process (see Workbook.NotebookHost.csproj for why this is a program of its own).
// Exit codes: 0 every cell ran, 1 a cell failed, 2 wrong arguments.
const string usage = "usage: Workbook.NotebookHost --execute-one NOTEBOOK --executed PATH --outcome PATH [--continue-after-error]";
string? notebook = null, executed = null, outcome = null;
bool continueAfterError = false;
for (int i = 0; i < args.Length; i++)
{
    string? Value() => i + 1 < args.Length ? args[++i] : null;
    switch (args[i])
    {
        case "--execute-one": notebook = Value(); break;
        case "--executed": executed = Value(); break;
        case "--outcome": outcome = Value(); break;
        case "--continue-after-error": continueAfterError = true; break;
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
return await NotebookChild.ExecuteAsync(notebook, executed, outcome, Console.Out, continueAfterError);
