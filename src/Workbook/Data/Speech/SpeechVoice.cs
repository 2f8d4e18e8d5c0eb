namespace Workbook.Data.Speech;

/// <summary>A synthetic speaker: the program that speaks (<see cref="ISpeechEngine.Program"/>) and its voice name.</summary>
public sealed record SpeechVoice(string Engine, string Name)
{
    public override string ToString() => $"{Engine} {Name}";

    /// <summary>espeak-ng's English accents: America, Britain, Scotland, received pronunciation, Lancaster, the West Midlands, the Caribbean.</summary>
    public static IReadOnlyList<string> EspeakAccents { get; } =
        ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029"];

    /// <summary>espeak-ng's voice variants: +m1 … +m7 sound male, +f1 … +f5 female.</summary>
    public static IReadOnlyList<string> EspeakVariants { get; } = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5"];

    // (The lists above come first: static properties are initialised in the order they are written.)

    /// <summary>
    /// The voices synthesized training speech is drawn from: espeak-ng's English accents, each with any of its
    /// male (+m1…+m7) and female (+f1…+f5) variants, and Festival's kal_diphone (diphones of a recorded man).
    /// </summary>
    public static IReadOnlyList<SpeechVoice> Training { get; } =
    [
        .. EspeakAccents.SelectMany(accent => EspeakVariants.Select(variant => new SpeechVoice("espeak-ng", $"{accent}+{variant}"))),
        new SpeechVoice("festival", "kal_diphone"),
    ];

    /// <summary>
    /// Voices never trained on, kept for scoring how a denoiser does on speakers it has not met (tools/rnnoise/compare.cs):
    /// Festival's ked_diphone (another recorded man) and us-slt-hts (a statistical voice of a recorded woman).
    /// </summary>
    public static IReadOnlyList<SpeechVoice> HeldOut { get; } =
        [new SpeechVoice("festival", "ked_diphone"), new SpeechVoice("festival", "cmu_us_slt_arctic_hts")];
}
