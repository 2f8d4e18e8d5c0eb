using System.CommandLine;

namespace Workbook.Cli;

/// <summary>
/// <c>completion bash|zsh</c>: prints a shell script that completes verbs and options by asking the program itself
/// (System.CommandLine's <c>[suggest]</c> directive), so completion always matches this build's options.
/// </summary>
internal static class CompletionCommand
{
    public static Command Create()
    {
        var shell = new Argument<string>("SHELL") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "print a shell completion script: eval \"$(./run.sh completion bash)\"") { shell };
        command.SetAction(parsed =>
        {
            string dll = typeof(CompletionCommand).Assembly.Location;
            string function = $$"""
                _workbook_complete() {
                  local IFS=$'\n'
                  local line="${COMP_LINE#* }"
                  COMPREPLY=( $(dotnet "{{dll}}" "[suggest:$(( COMP_POINT - ${#COMP_LINE} + ${#line} ))]" "$line" 2>/dev/null) )
                }
                complete -o default -F _workbook_complete workbook run.sh ./run.sh
                """;
            Console.WriteLine(parsed.GetValue(shell) == "zsh" ? "autoload -U +X bashcompinit && bashcompinit\n" + function : function);
            return 0;
        });
        return command;
    }
}
