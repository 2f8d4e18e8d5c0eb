using System.Diagnostics;
using System.Globalization;
using NAudio.Wave;
using Workbook.Data;
using Workbook.Evaluation;
using Workbook.Networks;
using static TorchSharp.torch;

namespace Workbook.Cli;

/// <summary>
/// <c>maintainer long-audio MINUTES [--threads N] [--rate HZ] [--channels C]</c>: writes a 16-bit WAV of that length (48 kHz stereo unless
/// told otherwise; a tone and noise), denoises it
/// with the lab's network as <c>denoise</c> does (streaming), and prints the real-time factor and the process's peak
/// memory, with the CPU they were measured on.
/// </summary>
internal static class LongAudioBench
{
    public static int Run(double minutes, int threads, int rate = 48000, int channels = 2)
    {
        if (threads > 0) set_num_threads(threads);
        string folder = Directory.CreateTempSubdirectory("workbook-long-audio-").FullName;
        try
        {
            string input = Path.Combine(folder, "long.wav");
            long frames = (long)(minutes * 60 * rate);
            using (var writer = new WaveFileWriter(input, new WaveFormat(rate, 16, channels)))
            {
                var random = new Random(1);
                var block = new short[channels * rate];
                for (long start = 0; start < frames; start += rate)
                {
                    int count = (int)Math.Min(rate, frames - start);
                    for (int n = 0; n < count; n++)
                    {
                        double t = (start + n) / (double)rate;
                        short s = (short)(6000 * Math.Sin(2 * Math.PI * 220 * t) + 3000 * (random.NextDouble() - 0.5));
                        for (int c = 0; c < channels; c++) block[channels * n + c] = (short)(s / (c + 1));
                    }
                    writer.WriteSamples(block, 0, channels * count);
                }
            }
            // On disk before the clock starts: otherwise the kernel writes the input back while denoise runs, and
            // denoise's own flush of its output waits behind it and is timed with it.
            using (var written = new FileStream(input, FileMode.Open, FileAccess.ReadWrite)) written.Flush(flushToDisk: true);
            manual_seed(1);
            using var network = new MimoCnn(CnnSpecification.LabDenoiser);
            var watch = Stopwatch.StartNew();
            StreamingDenoise.Run(network, PairedClips.LabSampleRate, input, Path.Combine(folder, "long-denoised.wav"));
            watch.Stop();
            double audioSeconds = frames / (double)rate;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"bench long audio {DateTime.Now:yyyy-MM-dd HH:mm}: {GradingBench.CpuModel()}, {(threads > 0 ? threads : get_num_threads())} thread(s); " +
                $"{minutes:0.#} min of {rate / 1000.0:0.#} kHz {(channels == 1 ? "mono" : channels == 2 ? "stereo" : $"{channels}-channel")} 16-bit WAV ({new FileInfo(input).Length / 1e6:F0} MB) denoised in {watch.Elapsed.TotalSeconds:F1} s: " +
                $"{audioSeconds / watch.Elapsed.TotalSeconds:F0}× real time; peak memory {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB"));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
