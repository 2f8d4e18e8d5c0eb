using NAudio.Wave;
using Workbook.Data;
using Workbook.Evaluation;
using Workbook.Networks;
using static TorchSharp.torch;

namespace Workbook.Tests.Evaluation;

/// <summary>Denoising block by block gives what denoising the whole file at once gives.</summary>
public class StreamingDenoiseTests
{
    private static MimoCnn Network()
    {
        manual_seed(3);
        return new MimoCnn(CnnSpecification.LabDenoiser);
    }

    /// <summary>A stereo or mono 16-bit WAV of a chirp plus noise, different in each channel.</summary>
    private static string WriteWav(string folder, int rate, int channels, double seconds)
    {
        string path = Path.Combine(folder, $"in-{rate}-{channels}.wav");
        var random = new Random(7);
        using var writer = new WaveFileWriter(path, new WaveFormat(rate, 16, channels));
        int frames = (int)(rate * seconds);
        var samples = new short[frames * channels];
        for (int n = 0; n < frames; n++)
            for (int c = 0; c < channels; c++)
                samples[n * channels + c] = (short)(8000 * Math.Sin(2 * Math.PI * (200 + 300 * n / (double)rate) * n / rate) + 2000 * (random.NextDouble() - 0.5) + 500 * c);
        writer.WriteSamples(samples, 0, samples.Length);
        return path;
    }

    private static float[] ReadFloats(string path)
    {
        using var reader = new WaveFileReader(path);
        var provider = reader.ToSampleProvider();
        var all = new List<float>();
        var buffer = new float[8192];
        int read;
        while ((read = provider.Read(buffer.AsSpan())) > 0) all.AddRange(buffer.Take(read));
        return all.ToArray();
    }

    /// <summary>The whole-file route: read and resample everything, run the network once, resample back, cut to length.</summary>
    private static float[] WholeFile(MimoCnn network, string input)
    {
        var recording = WavAudio.Read(input);
        float[] denoised;
        using (no_grad()) denoised = network.call(tensor(recording.Samples).view(1, 1, -1)).view(-1).data<float>().ToArray();
        var back = AudioResampler.Resample(denoised, recording.SampleRate, recording.OriginalSampleRate);
        Array.Resize(ref back, recording.OriginalLength);
        if (recording.OriginalSampleRate <= recording.SampleRate) return back;
        // Above 16 kHz the band above 8 kHz is kept, gated: see BandSplit.
        var original = new float[recording.OriginalLength];
        using (var stream = new WavSampleStream(input))
            for (int got = 0, read; got < original.Length && (read = stream.Read(original.AsSpan(got))) > 0;) got += read;
        var trip = AudioResampler.Resample(recording.Samples, recording.SampleRate, recording.OriginalSampleRate);
        Array.Resize(ref trip, recording.OriginalLength);
        return BandSplit.Join(original, trip, back, recording.OriginalSampleRate);
    }

    [Theory]
    [InlineData(44100, 2, 4000)]
    [InlineData(16000, 1, 3000)]
    [InlineData(48000, 2, 100000)]
    public void Block_by_block_equals_the_whole_file(int rate, int channels, int block)
    {
        string folder = Directory.CreateTempSubdirectory("workbook-stream-").FullName;
        string input = WriteWav(folder, rate, channels, 2.3);
        string output = Path.Combine(folder, "out.wav");
        using var network = Network();
        var (frames, outRate) = StreamingDenoise.Run(network, PairedClips.LabSampleRate, input, output, WavSampleFormat.Float32, block);
        var streamed = ReadFloats(output);
        var whole = WholeFile(network, input);
        Assert.Equal(rate, outRate);
        Assert.Equal(whole.Length, streamed.Length);
        Assert.Equal(frames, streamed.Length);
        double worst = whole.Zip(streamed).Max(p => Math.Abs(p.First - p.Second));
        double scale = whole.Max(Math.Abs);
        Assert.True(worst <= 1e-5 * Math.Max(1, scale), $"largest difference {worst} (output scale {scale})");
        Assert.True(scale > 1e-3, "the output is not silence");
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>
    /// A network that passes its input through (one tap of 1) must give back the recording at its own rate, sample for
    /// sample: the trip to 16 kHz and back adds no delay and keeps the band both rates share. (NAudio's WDL resampler,
    /// used before, delayed an 8 kHz recording by 3 samples and scored −1.3 dB SNR here.)
    /// </summary>
    [Theory]
    [InlineData(8000)]
    [InlineData(44100)]
    [InlineData(48000)]
    public void A_pass_through_network_gives_back_the_recording_in_time(int rate)
    {
        string folder = Directory.CreateTempSubdirectory("workbook-stream-").FullName;
        string input = Path.Combine(folder, "in.wav");
        // Sines inside the band both rates keep (up to 0.8 of the lower Nyquist frequency; the resampler keeps 0.84).
        double top = 0.8 * Math.Min(rate, PairedClips.LabSampleRate) / 2;
        var x = Enumerable.Range(0, rate * 2).Select(n => (float)(0.3 * Math.Sin(2 * Math.PI * 440.0 * n / rate)
            + 0.2 * Math.Sin(2 * Math.PI * 0.5 * top * n / rate + 1) + 0.1 * Math.Sin(2 * Math.PI * top * n / rate + 2))).ToArray();
        WavAudio.Write(input, x, rate, WavSampleFormat.Float32);
        using var passThrough = new MimoCnn(new CnnSpecification([1], [1, 1], TanhPlacement.BetweenLayers));
        using (no_grad()) passThrough.Layers[0].H.fill_(1f);
        string output = Path.Combine(folder, "out.wav");
        StreamingDenoise.Run(passThrough, PairedClips.LabSampleRate, input, output, WavSampleFormat.Float32);
        var y = ReadFloats(output);
        Assert.Equal(x.Length, y.Length);
        double signal = 0, error = 0;
        for (int n = rate / 20; n < x.Length - rate / 20; n++)
        {
            signal += (double)x[n] * x[n];
            error += (double)(y[n] - x[n]) * (y[n] - x[n]);
        }
        double snr = 10 * Math.Log10(signal / error);
        Assert.True(snr > 60, $"{rate} Hz through denoise: SNR {snr:F1} dB against the input");
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void A_non_finite_sample_is_named_and_nothing_is_written()
    {
        string folder = Directory.CreateTempSubdirectory("workbook-stream-").FullName;
        string input = Path.Combine(folder, "bad.wav");
        using (var writer = new WaveFileWriter(input, WaveFormat.CreateIeeeFloatWaveFormat(16000, 1)))
        {
            var samples = new float[20000];
            samples[17000] = float.PositiveInfinity;
            writer.WriteSamples(samples, 0, samples.Length);
        }
        string output = Path.Combine(folder, "out.wav");
        using var network = Network();
        var error = Assert.Throws<InvalidDataException>(() => StreamingDenoise.Run(network, 16000, input, output, block: 4000));
        Assert.Contains("bad.wav", error.Message);
        Assert.Contains("17000", error.Message);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(folder, ".*.tmp"));
        Directory.Delete(folder, recursive: true);
    }
}
