using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace Workbook.Display;

/// <summary>
/// A mono clip to listen to. In a notebook (after <see cref="Hosting.NotebookSetup.Register"/>) and in the HTML report
/// it shows as a title, a small waveform and an <c>&lt;audio controls&gt;</c> player whose source is the clip
/// as a 16-bit WAV file in a base64 data URI, so it plays with no server and no network.
/// </summary>
public sealed class AudioClip
{
    /// <summary>The CSS class of a clip's <c>figure</c>.</summary>
    public const string CssClass = "workbook-audio";

    /// <param name="samples">samples, nominally in [−1, 1] (values outside are clipped when written as 16-bit)</param>
    /// <param name="sampleRate">samples per second</param>
    /// <param name="title">what the clip is: "noisy", "clean", "denoised", …</param>
    public AudioClip(IReadOnlyList<float> samples, int sampleRate, string title)
    {
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "the sample rate must be positive");
        Samples = samples.ToArray();
        SampleRate = sampleRate;
        Title = title;
    }

    /// <summary>A clip from a tensor of any shape with exactly one non-singleton axis (<c>[N]</c>, <c>[1, N]</c>, <c>[1, 1, N]</c>).</summary>
    public static AudioClip FromTensor(Tensor signal, int sampleRate, string title)
    {
        if (signal.shape.Count(d => d != 1) > 1)
            throw new ArgumentException($"a clip is one signal, but this tensor has shape [{string.Join(", ", signal.shape)}]; index one clip first", nameof(signal));
        using var flat = signal.detach().cpu().to(float32).flatten();
        return new AudioClip(flat.data<float>().ToArray(), sampleRate, title);
    }

    public float[] Samples { get; }

    public int SampleRate { get; }

    public string Title { get; }

    /// <summary>The length in seconds.</summary>
    public double Seconds => (double)Samples.Length / SampleRate;

    /// <summary>The clip as a 16-bit PCM mono WAV file (see <see cref="Data.Pcm16Wave.Encode"/>: clamped to the 16-bit range, non-finite samples as silence).</summary>
    public byte[] ToWav() => Data.Pcm16Wave.Encode(Samples, SampleRate);

    /// <summary>The WAV file as a <c>data:audio/wav;base64,…</c> URI.</summary>
    public string ToDataUri() => "data:audio/wav;base64," + Convert.ToBase64String(ToWav());

    /// <summary>Title, waveform and player, as one <c>figure</c> element.</summary>
    public string ToHtml() => $"""
<figure class="{CssClass}" style="display:inline-block;margin:0.5em;vertical-align:top">
<figcaption style="font-family:sans-serif"><b>{Html.Encode(Title)}</b> ({Seconds.ToString("0.00", CultureInfo.InvariantCulture)} s, {SampleRate} Hz)</figcaption>
{WaveformSvg()}
<br><audio controls preload="none" src="{ToDataUri()}"></audio>
</figure>
""";

    /// <summary>A small SVG picture of the waveform: the minimum and maximum of each column of samples.</summary>
    public string WaveformSvg(int width = 300, int height = 60)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"<svg class=\"workbook-waveform\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        text.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"#f4f6fa\"/>");
        float peak = Samples.Length == 0 ? 0 : Samples.Where(float.IsFinite).DefaultIfEmpty(0).Max(MathF.Abs);
        float scale = peak > 0 ? (height / 2f - 1) / peak : 0;
        text.Append("<path stroke=\"#1f77b4\" stroke-width=\"1\" fill=\"none\" d=\"");
        for (int x = 0; x < width && Samples.Length > 0; x++)
        {
            int start = (int)((long)x * Samples.Length / width), end = Math.Max(start + 1, (int)((long)(x + 1) * Samples.Length / width));
            float low = 0, high = 0;
            for (int i = start; i < end && i < Samples.Length; i++)
                if (float.IsFinite(Samples[i])) { low = Math.Min(low, Samples[i]); high = Math.Max(high, Samples[i]); }
            text.Append(CultureInfo.InvariantCulture, $"M{x + 0.5f:0.#} {height / 2f - high * scale:0.#}V{height / 2f - low * scale + 0.5f:0.#}");
        }
        text.Append("\"/></svg>");
        return text.ToString();
    }

    public override string ToString() => $"{Title}: {Samples.Length} samples at {SampleRate} Hz ({Seconds:0.00} s)";
}

/// <summary>Several clips side by side (noisy, clean, denoised …), each with its waveform and player.</summary>
public sealed class AudioPanel
{
    public AudioPanel(string title, IReadOnlyList<AudioClip> clips)
    {
        Title = title;
        Clips = clips;
    }

    public AudioPanel(string title, params AudioClip[] clips) : this(title, (IReadOnlyList<AudioClip>)clips) { }

    public string Title { get; }

    public IReadOnlyList<AudioClip> Clips { get; }

    public string ToHtml() =>
        $"<div class=\"workbook-audio-panel\"><div style=\"font-family:sans-serif;font-weight:bold\">{Html.Encode(Title)}</div>\n" +
        string.Join("\n", Clips.Select(c => c.ToHtml())) + "\n</div>";

    public override string ToString() => $"{Title}: " + string.Join("; ", Clips);
}
