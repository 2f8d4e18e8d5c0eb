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
        return back;
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
