using System.Globalization;
using System.Text;

namespace Workbook.Data.Speech;

/// <summary>
/// The Festival speech synthesis system with its festvox voices, which are built from recordings of human speakers
/// (kal_diphone: diphones cut from a man's recorded speech; us-slt-hts: a statistical voice trained on a woman's).
/// A line's <see cref="SpokenLine.Pitch"/> is the mean F0 in Hz the intonation model aims at (0: the voice's own) and
/// <see cref="SpokenLine.Speed"/> a tempo factor (1: the voice's own; 1.2 is 20 % faster).
/// </summary>
public sealed class Festival : ISpeechEngine
{
    public string Program => "festival";

    /// <summary>The Debian packages of Festival and the voices this workbook uses.</summary>
    public const string Packages = "festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts";

    public string Version() => SpeechProgram.Run(Program, Packages, "--version").Trim();

    public IReadOnlyList<(float[] Samples, int SampleRate)> Speak(IReadOnlyList<SpokenLine> lines)
    {
        if (lines.Count == 0) return [];
        // Festival takes about a second to start and milliseconds per line: one process speaks every line from one script.
        string folder = Path.Combine(Path.GetTempPath(), $"workbook-festival-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var script = new StringBuilder();
            for (int i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                if (!IsVoiceName(line.Voice)) throw new ArgumentException($"\"{line.Voice}\" is not a Festival voice name", nameof(lines));
                script.Append(CultureInfo.InvariantCulture, $"(voice_{line.Voice})\n");
                // A diphone voice's intonation model aims at a mean and a spread of F0; an HTS voice ignores these.
                if (line.Pitch > 0)
                    script.Append(CultureInfo.InvariantCulture,
                        $"(set! int_lr_params '((target_f0_mean {line.Pitch:0.#}) (target_f0_std {line.Pitch * 0.14:0.#}) (model_f0_mean 170) (model_f0_std 34)))\n");
                script.Append(CultureInfo.InvariantCulture, $"(Parameter.set 'Duration_Stretch {1 / line.Speed:0.###})\n");
                script.Append(CultureInfo.InvariantCulture,
                    $"(utt.save.wave (utt.synth (Utterance Text \"{Quoted(line.Text)}\")) \"{Path.Combine(folder, $"{i}.wav")}\" 'riff)\n");
            }
            string scriptPath = Path.Combine(folder, "speak.scm");
            File.WriteAllText(scriptPath, script.ToString());
            SpeechProgram.Run(Program, Packages, "-b", scriptPath);
            var spoken = new (float[], int)[lines.Count];
            for (int i = 0; i < lines.Count; i++)
            {
                string file = Path.Combine(folder, $"{i}.wav");
                if (!File.Exists(file)) throw new InvalidOperationException($"festival wrote no file for \"{lines[i].Text}\" ({lines[i].Voice})");
                spoken[i] = Pcm16Wave.Read(file);
            }
            return spoken;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static bool IsVoiceName(string voice) => voice.Length > 0 && voice.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>The text inside a Scheme string: only letters, digits, spaces and simple punctuation reach here, but a
    /// quote or a backslash would end the string early.</summary>
    private static string Quoted(string text) => text.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
