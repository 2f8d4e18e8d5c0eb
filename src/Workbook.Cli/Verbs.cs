using System.CommandLine;
using System.CommandLine.Parsing;

namespace Workbook.Cli;

/// <summary>The program's verbs, and its help: each verb's options with their defaults and meaning.</summary>
internal static class Verbs
{
    public static RootCommand Root() => new("CNN workbook: time-domain convolutional networks on audio (the lab's Tasks 1-4), in C# and TorchSharp.")
    {
        HelpName = "workbook",
        Subcommands =
        {
            DemoCommand.Create(), RunCommand.Create(), ExercisesCommand.Create(), GradeCommand.Create(), TrainCommand.Create(),
            EvaluateCommand.Create(), DenoiseCommand.Create(), ExportCommand.Create(), BenchCommand.Create(), CompletionCommand.Create(),
            MaintainerCommand.Create(),
        },
    };

    /// <summary>The help of the verb <paramref name="parsed"/> names (or of the program), as <c>--help</c> prints it.</summary>
    /// <remarks>System.CommandLine's help writer is internal, so this asks the parser for "VERB --help" with the output redirected.</remarks>
    public static void WriteHelp(ParseResult parsed, TextWriter writer)
    {
        var path = new List<string>();
        for (SymbolResult? result = parsed.CommandResult; result is CommandResult { Parent: not null } command; result = command.Parent)
            path.Insert(0, command.Command.Name);
        path.Add("--help");
        parsed.RootCommandResult.Command.Parse(path).Invoke(new InvocationConfiguration { Output = writer });
    }
}
