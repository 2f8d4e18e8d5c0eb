using NAudio.Wave;
using Workbook.Display;
using static TorchSharp.torch;

namespace Workbook.Tests.Display;

public class AudioClipTests
{
    private static AudioClip Tone(int samples = 1600) =>
        new(Enumerable.Range(0, samples).Select(i => 0.5f * MathF.Sin(i * 0.1f)).ToArray(), 16000, "tone <a & b>");

    [Fact]
    public void Wav_is_16_bit_mono_pcm_with_the_samples()
    {
        var clip = Tone();
        using var reader = new WaveFileReader(new MemoryStream(clip.ToWav()));
        Assert.Equal(16000, reader.WaveFormat.SampleRate);
        Assert.Equal(1, reader.WaveFormat.Channels);
        Assert.Equal(16, reader.WaveFormat.BitsPerSample);
        Assert.Equal(WaveFormatEncoding.Pcm, reader.WaveFormat.Encoding);
        Assert.Equal(clip.Samples.Length, reader.SampleCount);
        var bytes = new byte[200];
        Assert.Equal(200, reader.Read(bytes, 0, 200));
        Assert.Equal(clip.Samples[1], BitConverter.ToInt16(bytes, 2) / 32767f, 3);
        Assert.Equal(clip.Samples[99], BitConverter.ToInt16(bytes, 198) / 32767f, 3);
    }

    [Fact]
    public void Samples_outside_the_range_are_clipped_and_not_finite_ones_become_zero()
    {
        var clip = new AudioClip(new[] { 2f, -3f, float.NaN }, 8000, "loud");
        using var reader = new WaveFileReader(new MemoryStream(clip.ToWav()));
        var buffer = new byte[6];
        Assert.Equal(6, reader.Read(buffer, 0, 6));
        Assert.Equal(short.MaxValue, BitConverter.ToInt16(buffer, 0));
        Assert.Equal(short.MinValue, BitConverter.ToInt16(buffer, 2));
        Assert.Equal(0, BitConverter.ToInt16(buffer, 4));
    }

    [Fact]
    public void Html_is_an_audio_player_with_a_wav_data_uri_a_waveform_and_an_escaped_title()
    {
        string html = Tone().ToHtml();
        Assert.Contains("<audio controls", html);
        Assert.Contains("src=\"data:audio/wav;base64,UklGR", html);   // "RIFF" in base64
        Assert.Contains("<svg class=\"workbook-waveform\"", html);
        Assert.Contains("tone &lt;a &amp; b&gt;", html);
        Assert.DoesNotContain("<a & b>", html);
    }

    [Fact]
    public void A_clip_comes_from_a_tensor_with_one_long_axis()
    {
        using var signal = linspace(-1, 1, 50).view(1, 1, 50);
        var clip = AudioClip.FromTensor(signal, 16000, "ramp");
        Assert.Equal(50, clip.Samples.Length);
        Assert.Equal(-1f, clip.Samples[0], 5);
        using var batch = zeros(2, 1, 50);
        var error = Assert.Throws<ArgumentException>(() => AudioClip.FromTensor(batch, 16000, "two clips"));
        Assert.Contains("[2, 1, 50]", error.Message);
    }

    [Fact]
    public void A_panel_shows_every_clip()
    {
        var panel = new AudioPanel("pair", Tone(), Tone(), Tone());
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(panel.ToHtml(), "<audio controls").Count);
    }
}
