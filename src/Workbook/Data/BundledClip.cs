using System.Text.Json.Serialization;

namespace Workbook.Data;

/// <summary>
/// One entry of the bundled data set's manifest: how the clean clip was spoken and which noise is added to it.
/// The clean clip is stored in <see cref="File"/>; the noise is not stored but regenerated from
/// <see cref="NoiseSeed"/> when the set is loaded.
/// </summary>
/// <param name="Index">position in the set, 0 … Q−1</param>
/// <param name="File">the clean clip, relative to the data set folder, e.g. "clean/0007.wav"</param>
/// <param name="Voice">the espeak-ng voice and variant, e.g. "en-us+f3" (f: female, m: male variants)</param>
/// <param name="Language">the language of <see cref="Text"/>, e.g. "en"</param>
/// <param name="Text">what is said</param>
/// <param name="Pitch">espeak-ng's pitch setting, 0–99 (50 is the voice's normal pitch)</param>
/// <param name="Speed">espeak-ng's speed in words per minute</param>
/// <param name="Peak">the largest |sample| of the clean clip, to which it was normalised</param>
/// <param name="SpeechSeconds">how long the utterance was before it was fitted into the clip (longer ones are cut)</param>
/// <param name="Noise">the kind of background noise</param>
/// <param name="SnrDb">the signal-to-noise ratio of the noisy clip, 10·log10(P_clean / P_noise) over the whole clip</param>
/// <param name="NoiseSeed">the seed from which <see cref="BackgroundNoise.Generate"/> regenerates the noise</param>
/// <param name="Talkers">for babble: the indices of the other clips whose speech makes the babble; empty otherwise</param>
public sealed record BundledClip(
    int Index,
    string File,
    string Voice,
    string Language,
    string Text,
    int Pitch,
    int Speed,
    double Peak,
    double SpeechSeconds,
    NoiseKind Noise,
    double SnrDb,
    long NoiseSeed,
    IReadOnlyList<int> Talkers)
{
    /// <summary>The pair's name in the loaded set, e.g. "0007 en-us+f3 pink 4.2 dB".</summary>
    [JsonIgnore]
    public string Name => FormattableString.Invariant($"{Index:D4} {Voice} {Noise.ToString().ToLowerInvariant()} {SnrDb:F1} dB");

    public override string ToString() => $"{Name}: \"{Text}\"";
}
