using NAudio.Wave;
using Workbook.Data;

namespace Workbook.Tests.Data;

public class WavAudioTests
{
    /// <summary>A short ramp through [-0.9, 0.9], with both signs and zero.</summary>
    private static float[] Ramp(int n = 800) => Enumerable.Range(0, n).Select(i => -0.9f + 1.8f * i / (n - 1)).ToArray();

    /// <summary>Writes <paramref name="interleaved"/> frames with NAudio's own writer, in any PCM/float format.</summary>
    private static void WriteWithNAudio(string path, WaveFormat format, float[] interleaved)
    {
        using var writer = new WaveFileWriter(path, format);
        if (format.BitsPerSample == 8)
            // NAudio's WriteSamples stops at 16 bits; 8-bit PCM is unsigned bytes centred on 128.
            writer.Write(interleaved.Select(v => (byte)Math.Round(128 + 127 * v)).ToArray());
        else
            writer.WriteSamples(interleaved, 0, interleaved.Length);
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"sample {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Theory]
    [InlineData(WavSampleFormat.Pcm16, 2.0f / 32768)]
    [InlineData(WavSampleFormat.Float32, 0f)]
    public void What_Write_writes_Read_reads_back(WavSampleFormat format, float tolerance)
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File("clip.wav");
        var samples = Ramp();
        WavAudio.Write(path, samples, 16000, format);
        var read = WavAudio.Read(path);
        Assert.Equal(16000, read.OriginalSampleRate);
        Assert.Equal(16000, read.SampleRate);
        AssertClose(samples, read.Samples, tolerance);
    }

    [Theory]
    [InlineData(8, 2.0f / 128)]
    [InlineData(16, 2.0f / 32768)]
    [InlineData(24, 1e-6f)]
    [InlineData(32, 1e-6f)]
    public void Integer_PCM_of_every_width_is_read(int bits, float tolerance)
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File($"pcm{bits}.wav");
        var samples = Ramp();
        WriteWithNAudio(path, new WaveFormat(16000, bits, 1), samples);
        AssertClose(samples, WavAudio.Read(path).Samples, tolerance);
    }

    [Fact]
    public void Extensible_float_is_read()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File("ext.wav");
        var samples = Ramp();
        WriteWithNAudio(path, new WaveFormatExtensible(16000, 32, 1, new Guid("00000003-0000-0010-8000-00aa00389b71"), 32, 0x4), samples);
        AssertClose(samples, WavAudio.Read(path).Samples, 0);
    }

    [Fact]
    public void Stereo_is_averaged_to_mono()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File("stereo.wav");
        var left = Ramp();
        var right = left.Select(v => 0.5f - v / 2).ToArray();
        var interleaved = left.Zip(right).SelectMany(p => new[] { p.First, p.Second }).ToArray();
        WriteWithNAudio(path, WaveFormat.CreateIeeeFloatWaveFormat(16000, 2), interleaved);
        AssertClose(left.Zip(right, (l, r) => (l + r) / 2).ToArray(), WavAudio.Read(path).Samples, 1e-7f);
    }

    [Theory]
    [InlineData(44100)]
    [InlineData(8000)]
    [InlineData(48000)]
    public void Other_rates_are_resampled_to_16_kHz_and_remembered(int rate)
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File($"sine{rate}.wav");
        int n = rate / 2; // half a second
        var sine = Enumerable.Range(0, n).Select(i => 0.5f * MathF.Sin(2 * MathF.PI * 440 * i / rate)).ToArray();
        WriteWithNAudio(path, new WaveFormat(rate, 16, 1), sine);
        var read = WavAudio.Read(path);
        Assert.Equal(rate, read.OriginalSampleRate);
        Assert.InRange(read.Samples.Length, Math.Round(n * 16000.0 / rate) - 1, Math.Round(n * 16000.0 / rate) + 1);
        Assert.Equal(440, AudioResamplerTests.DominantFrequency(read.Samples, 16000), 5);
    }

    [Fact]
    public void Pcm16_clamps_to_the_full_scale()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File("loud.wav");
        WavAudio.Write(path, [2f, -3f, 0.25f], 16000, WavSampleFormat.Pcm16);
        AssertClose([32767 / 32768f, -32767 / 32768f, 0.25f], WavAudio.Read(path).Samples, 1e-4f);
        WavAudio.Write(path, [2f, -3f], 16000, WavSampleFormat.Float32);
        AssertClose([2f, -3f], WavAudio.Read(path).Samples, 0);
    }

    [Fact]
    public void A_failed_write_leaves_the_existing_file_and_no_temporary_file()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File("keep.wav");
        WavAudio.Write(path, Ramp(), 16000);
        var before = File.ReadAllBytes(path);
        var withNaN = Ramp(20000);
        withNaN[15000] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => WavAudio.Write(path, withNaN, 16000));
        Assert.Contains("sample 15000", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(scratch.Root));
    }

    [Fact]
    public void Writing_into_a_missing_folder_fails_without_leaving_anything()
    {
        using var scratch = new ScratchFolder();
        Assert.ThrowsAny<IOException>(() => WavAudio.Write(scratch.File("missing/out.wav"), Ramp(), 16000));
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Root));
    }

    [Fact]
    public void Unsupported_encodings_name_the_file_and_the_format()
    {
        using var scratch = new ScratchFolder();
        string mulaw = scratch.File("mulaw.wav");
        using (var writer = new WaveFileWriter(mulaw, WaveFormat.CreateMuLawFormat(8000, 1))) writer.Write(new byte[100]);
        var e = Assert.Throws<InvalidDataException>(() => WavAudio.Read(mulaw));
        Assert.Contains(mulaw, e.Message);
        Assert.Contains("MuLaw", e.Message);

        string adpcm = scratch.File("adpcm.wav");
        using (var writer = new WaveFileWriter(adpcm, WaveFormat.CreateCustomFormat(WaveFormatEncoding.Adpcm, 16000, 1, 8000, 256, 4)))
            writer.Write(new byte[512]);
        e = Assert.Throws<InvalidDataException>(() => WavAudio.Read(adpcm));
        Assert.Contains("Adpcm", e.Message);

        string surround = scratch.File("three.wav");
        WriteWithNAudio(surround, new WaveFormat(16000, 16, 3), new float[30]);
        e = Assert.Throws<InvalidDataException>(() => WavAudio.Read(surround));
        Assert.Contains("3 channels", e.Message);
    }

    [Fact]
    public void Non_WAV_bytes_and_a_truncated_header_are_named()
    {
        using var scratch = new ScratchFolder();
        string text = scratch.File("text.wav");
        File.WriteAllText(text, "this is not audio at all, just some text");
        var e = Assert.Throws<InvalidDataException>(() => WavAudio.Read(text));
        Assert.Contains(text, e.Message);

        string good = scratch.File("good.wav");
        WavAudio.Write(good, Ramp(), 16000);
        foreach (int cut in new[] { 4, 12, 20, 30 })
        {
            string cutPath = scratch.File($"cut{cut}.wav");
            File.WriteAllBytes(cutPath, File.ReadAllBytes(good)[..cut]);
            e = Assert.Throws<InvalidDataException>(() => WavAudio.Read(cutPath));
            Assert.Contains(cutPath, e.Message);
        }
        Assert.Throws<FileNotFoundException>(() => WavAudio.Read(scratch.File("absent.wav")));
    }
}
