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
    [InlineData(WavSampleFormat.Pcm16, 2)]
    [InlineData(WavSampleFormat.Float32, 4)]
    public void An_output_beyond_what_a_wav_files_32_bit_sizes_describe_is_refused_up_front(WavSampleFormat format, int bytesPerSample)
    {
        long most = WavAudio.MaxDataBytes / bytesPerSample;
        Assert.True(most * bytesPerSample + 64 <= uint.MaxValue);   // the header fits beside the samples
        WavAudio.RequireFitsInWav(most, format, "out.wav");
        var e = Assert.Throws<IOException>(() => WavAudio.RequireFitsInWav(most + 1, format, "out.wav"));
        Assert.StartsWith($"out.wav: {most + 1} samples of {8 * bytesPerSample}-bit audio take 4.0 GiB, more than a WAV file's 32-bit sizes", e.Message);
    }

    [Theory]
    [InlineData(WavSampleFormat.Pcm16, 1.0f / 65536)]   // half a step: one scale for writing and reading
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
    [InlineData(1)]
    [InlineData(2)]
    public void Sixteen_bit_frames_are_the_mean_of_their_integers_over_32768(int channels)
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File($"pcm16-{channels}.wav");
        var random = new Random(3);
        var integers = Enumerable.Range(0, 3001 * channels).Select(_ => (short)random.Next(short.MinValue, short.MaxValue + 1)).ToArray();
        integers[0] = short.MinValue;
        integers[^1] = short.MaxValue;
        using (var writer = new WaveFileWriter(path, new WaveFormat(16000, 16, channels))) writer.WriteSamples(integers, 0, integers.Length);
        var expected = Enumerable.Range(0, 3001).Select(n => channels == 1
            ? integers[n] / 32768f
            : (integers[2 * n] / 32768f + integers[2 * n + 1] / 32768f) / 2).ToArray();
        Assert.Equal(expected, WavAudio.Read(path).Samples);
        using var stream = new WavSampleStream(path);
        var streamed = new float[3001];
        Assert.Equal(3001, stream.Read(streamed));
        Assert.Equal(expected, streamed);
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
        WavAudio.Write(path, [2f, -3f, 1f, -1f, 0.25f], 16000, WavSampleFormat.Pcm16);
        Assert.Equal(new[] { 32767 / 32768f, -1f, 32767 / 32768f, -1f, 0.25f }, WavAudio.Read(path).Samples);
        WavAudio.Write(path, [2f, -3f], 16000, WavSampleFormat.Float32);
        AssertClose([2f, -3f], WavAudio.Read(path).Samples, 0);
    }

    /// <summary>Every integer a 16-bit file can hold, k / 32768 for k = −32768…32767: the full scale, and the smallest steps.</summary>
    public static TheoryData<int[]> Pcm16Integers => new()
    {
        new[] { short.MinValue, short.MinValue + 1, -16384, 16384, short.MaxValue - 1, short.MaxValue },  // full scale
        new[] { -3, -2, -1, 0, 1, 2, 3 },                                                                   // the smallest amplitudes
        Enumerable.Range(short.MinValue, 65536).ToArray(),                                                  // all of them
    };

    [Theory]
    [MemberData(nameof(Pcm16Integers))]
    public void Pcm16_round_trips_are_exact_both_ways(int[] integers)
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File("exact.wav");
        // A file written by another program (NAudio, raw integers) reads as k / 32768 exactly …
        using (var writer = new WaveFileWriter(path, new WaveFormat(16000, 16, 1)))
            writer.WriteSamples(integers.Select(k => (short)k).ToArray(), 0, integers.Length);
        var read = WavAudio.Read(path).Samples;
        Assert.Equal(integers.Select(k => k / 32768f), read);
        // … and writing those samples gives back the same integers, byte for byte.
        string again = scratch.File("again.wav");
        WavAudio.Write(again, read, 16000, WavSampleFormat.Pcm16);
        using var reader = new WaveFileReader(again);
        var bytes = new byte[2 * integers.Length];
        Assert.Equal(bytes.Length, reader.Read(bytes, 0, bytes.Length));
        var written = Enumerable.Range(0, integers.Length).Select(i => (int)BitConverter.ToInt16(bytes, 2 * i)).ToArray();
        Assert.Equal(integers, written);
        // The bundled set's encoder uses the same scale: the same samples give the same integers.
        Assert.Equal(integers, read.Select(s => (int)Pcm16Wave.ToInt16(s)).ToArray());
    }

    [Fact]
    public void Pcm16_rounds_to_the_nearest_step_of_1_over_32768()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File("steps.wav");
        // 0.4 and 0.6 of a step, and half a step (away from zero), at small and large amplitudes.
        float step = 1 / 32768f;
        float[] samples = [0.4f * step, 0.6f * step, -0.6f * step, 1000.4f * step, 1000.5f * step, -1000.5f * step, 0.5f];
        WavAudio.Write(path, samples, 16000, WavSampleFormat.Pcm16);
        Assert.Equal(new[] { 0f, step, -step, 1000 * step, 1001 * step, -1001 * step, 0.5f }, WavAudio.Read(path).Samples);
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

    [Fact]
    public void The_vector_conversion_to_16_bits_rounds_exactly_as_the_scalar_definition()
    {
        // round(s·32768) half away from zero, limited to −32768…32767, non-finite 0: every tie at ±(k + 0.5)/32768, values
        // just beside the ties, the range's ends and beyond, the non-finite values, and a million random ones, in one
        // array whose length is not a multiple of the vector's 16 (the tail goes one by one).
        var values = new List<float> { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1, -1, 1.0001f, -1.0001f, 3e38f, -3e38f, 0, -0f, 0.49999997f / 32768 };
        for (int k = -32770; k <= 32770; k += 7)
        {
            float tie = (k + 0.5f) / 32768;
            values.AddRange(new[] { tie, MathF.BitDecrement(tie), MathF.BitIncrement(tie) });
        }
        var random = new Random(5);
        for (int i = 0; i < 1_000_003; i++) values.Add((float)(random.NextDouble() * 2.2 - 1.1));
        var samples = values.ToArray();
        Assert.Equal(samples.Select(Pcm16Wave.ToInt16).ToArray(), WavAudio.ToPcm16(samples));
    }
}
