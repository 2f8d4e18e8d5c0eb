using System.ComponentModel;
using System.Diagnostics;

namespace Workbook.Data.Speech;

/// <summary>
/// Runs a speech synthesiser's command line (espeak-ng, Festival) and checks what it did: a program that is not
/// installed gives one line naming it and the package that installs it; a program that fails, or that says something
/// on stderr, gives its exit code and what it said.
/// </summary>
internal static class SpeechProgram
{
    /// <summary>Runs <paramref name="program"/> and returns its standard output; <paramref name="install"/> names the
    /// packages that provide it (said when it is missing). A non-zero exit code throws, with what the program said on stderr
    /// (both synthesisers exit non-zero on an unknown voice or a file they cannot write).</summary>
    public static string Run(string program, string install, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        }
        catch (Win32Exception e)
        {
            throw new SpeechEngineMissingException(
                $"{program} is not installed: synthesized training speech needs it (apt-get install {install}, or scripts/install-prerequisites.sh)", e);
        }
        using (process)
        {
            process.StandardInput.Close();
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            string said = error.Result.Trim();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed (exit code {process.ExitCode}){(said.Length > 0 ? $": {said}" : "")}");
            return output;
        }
    }
}

/// <summary>A speech synthesiser the caller asked for is not installed; the message says how to install it.</summary>
public sealed class SpeechEngineMissingException(string message, Exception inner) : InvalidOperationException(message, inner);
