using NAudio.Wave;
using Workbook.Data;
using Workbook.Evaluation;
using Workbook.Networks;
using static TorchSharp.torch;
using Workbook.FilterBank;

namespace Workbook.Tests.FilterBank;

/// <summary>denoise's block-by-block route gives the improved CNN's whole-file output: the history covers its reach.</summary>
public class FilterBankStreamingTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(47)]   // the recipe's look-ahead: run causally, the silence after the end and the late start handled
    public void Block_by_block_equals_the_whole_file_at_16_kHz(int latency)
    {
        var specification = FilterBankCnnSpecification.Default with { Bands = 6, Hidden = 8, Latency = latency };
        manual_seed(11);
        using var network = new FilterBankCnn(specification);
        // Random coefficients of 0.1: at 0.3 the random gate network is chaotic and amplifies float rounding (the
        // convolutions sum in an order that depends on the block's length) to 4·10⁻⁴; a trained one does not (5·10⁻⁷).
        using (no_grad()) foreach (var p in network.parameters()) p.copy_(randn_like(p) * 0.1);
        string folder = Directory.CreateTempSubdirectory("workbook-improved-stream-").FullName;
        string input = Path.Combine(folder, "in.wav"), output = Path.Combine(folder, "out.wav");
        var random = new Random(5);
        var samples = Enumerable.Range(0, 3 * 16000)
            .Select(n => (float)(0.3 * Math.Sin(2 * Math.PI * (150 + 200.0 * n / 16000) * n / 16000) + 0.05 * (random.NextDouble() - 0.5))).ToArray();
        using (var writer = new WaveFileWriter(input, WaveFormat.CreateIeeeFloatWaveFormat(16000, 1))) writer.WriteSamples(samples, 0, samples.Length);

        StreamingDenoise.Run(network, (int)specification.History, 16000, input, output, WavSampleFormat.Float32, block: 125 * specification.Hop);
        float[] whole;
        using (no_grad()) whole = network.call(tensor(samples).view(1, 1, -1)).view(-1).data<float>().ToArray();
        var streamed = new List<float>();
        using (var reader = new WaveFileReader(output))
        {
            var provider = reader.ToSampleProvider();
            var buffer = new float[4096];
            int read;
            while ((read = provider.Read(buffer.AsSpan())) > 0) streamed.AddRange(buffer.Take(read));
        }
        Assert.Equal(whole.Length, streamed.Count);
        double worst = whole.Zip(streamed).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst < 1e-4, $"largest difference {worst}");
        Assert.True((whole.Zip(samples).Max(p => Math.Abs(p.First - p.Second))) > 1e-3, "the network changes the signal");
        Directory.Delete(folder, recursive: true);
    }
}
