using System.Diagnostics;
using Workbook.Data;

namespace DataGenerator;

/// <summary>Speech from the espeak-ng command line (a formant synthesiser: same input, same samples, every time).</summary>
internal static class Espeak
{
    public const string Command = "espeak-ng";

    /// <summary>"eSpeak NG text-to-speech: 1.51" (without the data path, which differs between machines).</summary>
    public static string Version()
    {
        string output = Run("--version").Trim();
        int dataAt = output.IndexOf("Data at", StringComparison.Ordinal);
        return (dataAt >= 0 ? output[..dataAt] : output).Trim();
    }

    /// <summary>Speaks <paramref name="text"/> and returns the samples at espeak-ng's own rate (22050 Hz).</summary>
    public static (float[] Samples, int SampleRate) Speak(string voice, int pitch, int speed, string text)
    {
        string file = Path.Combine(Path.GetTempPath(), $"workbook-espeak-{Environment.ProcessId}-{Guid.NewGuid():N}.wav");
        try
        {
            // -b 1: the text is UTF-8; -w: write a WAV file (mono, 16-bit).
            Run("-v", voice, "-p", pitch.ToString(), "-s", speed.ToString(), "-b", "1", "-w", file, text);
            return Pcm16Wave.Read(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{Command} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"{Command} is not installed: the generator needs it to speak the clips (apt-get install espeak-ng, or run data/regenerate.sh)", e);
        }
        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{Command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result}");
            return output;
        }
    }
}
