namespace Workbook.Data.Speech;

/// <summary>One line for a synthesiser to speak: who, what, and how high and how fast (in the engine's own units,
/// see <see cref="EspeakNg"/> and <see cref="Festival"/>).</summary>
public sealed record SpokenLine(string Voice, string Text, double Pitch, double Speed);

/// <summary>A text-to-speech program: speaks lines and says which version it is (the version is part of a cached clip's key).</summary>
public interface ISpeechEngine
{
    /// <summary>The program's name, as the voices name their engine ("espeak-ng", "festival").</summary>
    string Program { get; }

    /// <summary>The program's version line (a new version may speak differently, so cached clips are keyed by it).</summary>
    string Version();

    /// <summary>Speaks every line; returns the samples of each, at the engine's own rate, in the lines' order.</summary>
    IReadOnlyList<(float[] Samples, int SampleRate)> Speak(IReadOnlyList<SpokenLine> lines);
}
