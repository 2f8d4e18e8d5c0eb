using System.Globalization;

namespace Workbook.Data.Speech;

/// <summary>
/// The espeak-ng formant synthesiser (the bundled set's speaker): same input, same samples. A line's
/// <see cref="SpokenLine.Pitch"/> is espeak-ng's pitch setting (0–99, 50 is the voice's own) and
/// <see cref="SpokenLine.Speed"/> its words per minute; a voice is a language with a variant, e.g. <c>en-gb+f3</c>.
/// </summary>
public sealed class EspeakNg : ISpeechEngine
{
    public string Program => "espeak-ng";

    /// <summary>"eSpeak NG text-to-speech: 1.51" (without the data path, which differs between machines).</summary>
    public string Version()
    {
        string output = SpeechProgram.Run(Program, "espeak-ng", "--version").Trim();
        int dataAt = output.IndexOf("Data at", StringComparison.Ordinal);
        return (dataAt >= 0 ? output[..dataAt] : output).Trim();
    }

    public IReadOnlyList<(float[] Samples, int SampleRate)> Speak(IReadOnlyList<SpokenLine> lines)
    {
        var spoken = new (float[], int)[lines.Count];
        // One process per line (espeak-ng starts in milliseconds), two at a time: it is single-threaded.
        try
        {
            Parallel.For(0, lines.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => spoken[i] = SpeakOne(lines[i]));
        }
        catch (AggregateException e)
        {
            // The first line's error as it was thrown (a missing program, an unknown voice), not wrapped by Parallel.For.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return spoken;
    }

    private (float[], int) SpeakOne(SpokenLine line)
    {
        string file = Path.Combine(Path.GetTempPath(), $"workbook-espeak-{Environment.ProcessId}-{Guid.NewGuid():N}.wav");
        try
        {
            // -b 1: the text is UTF-8; -w: write a WAV file (mono, 16-bit, 22050 Hz).
            SpeechProgram.Run(Program, "espeak-ng", "-v", line.Voice,
                "-p", ((int)Math.Round(line.Pitch)).ToString(CultureInfo.InvariantCulture),
                "-s", ((int)Math.Round(line.Speed)).ToString(CultureInfo.InvariantCulture), "-b", "1", "-w", file, line.Text);
            if (!File.Exists(file)) throw new InvalidOperationException($"espeak-ng -v {line.Voice} wrote no file for \"{line.Text}\"");
            return Pcm16Wave.Read(file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
