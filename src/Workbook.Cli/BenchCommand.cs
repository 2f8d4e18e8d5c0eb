using System.Diagnostics;
using System.Globalization;
using Workbook.Data;
using Workbook.Networks;
using Workbook.Signals;
using Workbook.Training;
using static TorchSharp.torch;

namespace Workbook.Cli;

/// <summary>
/// <c>bench</c>: measures the lab's Task 4 workload for each convolution algorithm and prints a table:
/// forward+backward per batch of 32, one training epoch (250 clips, then train and test evaluation),
/// a whole 20-epoch training, and denoising speed as a real-time factor.
/// </summary>
internal static class BenchCommand
{
    public static int Run(Arguments arguments)
    {
        int threads = arguments.Integer("threads", 0, minimum: 0);
        int repeats = arguments.Integer("repeats", 5, minimum: 1);
        bool quick = arguments.Has("quick");
        arguments.RejectUnknown();
        if (threads > 0) set_num_threads(threads);

        var specification = CnnSpecification.LabDenoiser;
        using var train = RandomClips(250, 16000, 1);
        using var test = RandomClips(50, 16000, 2);
        Console.WriteLine($"Task 4 workload: {specification}; 250 train + 50 test clips of 16000 samples; batch 32; " +
                          $"{get_num_threads()} torch threads; {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("algorithm      fwd+bwd/batch  epoch     20 epochs  denoise (x real time, 1 thread)");
        foreach (var algorithm in new[] { ConvolutionAlgorithm.Blocked, ConvolutionAlgorithm.Fft, ConvolutionAlgorithm.Direct, ConvolutionAlgorithm.ShiftRegister })
        {
            bool slow = algorithm == ConvolutionAlgorithm.ShiftRegister;
            double batch = Median(repeats, () => TimeBatch(specification, algorithm));
            double epoch = Median(slow ? 1 : Math.Min(repeats, 3), () => TimeEpochs(specification, algorithm, train, test, 1));
            double whole = slow || quick ? 20 * epoch : TimeEpochs(specification, algorithm, train, test, 20);
            double realTime = TimeDenoise(specification, algorithm, test);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{algorithm,-13}  {batch * 1000,9:F1} ms  {epoch,6:F3} s  {whole,7:F2} s{(slow || quick ? "*" : " ")}  {realTime,10:F0}x"));
        }
        Console.WriteLine("* estimated as 20 × one epoch");
        return 0;
    }

    private static PairedClips RandomClips(int count, int length, int seed)
    {
        var generator = new Generator((ulong)seed);
        var clean = 0.3f * randn(new long[] { count, 1, length }, generator: generator);
        var noisy = clean + 0.1f * randn(new long[] { count, 1, length }, generator: generator);
        return new PairedClips(Enumerable.Range(0, count).Select(i => $"random {i}").ToArray(), noisy, clean, 16000, "random");
    }

    private static double TimeBatch(CnnSpecification specification, ConvolutionAlgorithm algorithm)
    {
        manual_seed(1);
        using var model = new MimoCnn(specification) { Algorithm = algorithm };
        using var x = randn(32, 1, 16000);
        using var y = randn(32, 1, 16000);
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        nn.functional.l1_loss(model.call(x), y).backward();
        return clock.Elapsed.TotalSeconds;
    }

    private static double TimeEpochs(CnnSpecification specification, ConvolutionAlgorithm algorithm, PairedClips train, PairedClips test, int epochs)
    {
        manual_seed(1);
        using var model = new MimoCnn(specification) { Algorithm = algorithm };
        var trainer = new Trainer(TrainingOptions.Lab with { Epochs = epochs });
        var clock = Stopwatch.StartNew();
        trainer.Fit(model, train, test);
        return clock.Elapsed.TotalSeconds;
    }

    private static double TimeDenoise(CnnSpecification specification, ConvolutionAlgorithm algorithm, PairedClips clips)
    {
        int before = get_num_threads();
        set_num_threads(1);
        try
        {
            manual_seed(1);
            using var model = new MimoCnn(specification) { Algorithm = algorithm };
            using var _ = no_grad();
            var clock = Stopwatch.StartNew();
            int passes = 0;
            do
            {
                using var scope = NewDisposeScope();
                model.call(clips.Noisy);
                passes++;
            } while (clock.Elapsed.TotalSeconds < 1 && algorithm != ConvolutionAlgorithm.ShiftRegister);
            double audioSeconds = passes * clips.Count * clips.Length / (double)clips.SampleRate;
            return audioSeconds / clock.Elapsed.TotalSeconds;
        }
        finally { set_num_threads(before); }
    }

    private static double Median(int repeats, Func<double> measure)
    {
        measure(); // warm-up: first calls pay for allocation and dispatch set-up
        var times = Enumerable.Range(0, repeats).Select(_ => measure()).Order().ToArray();
        return times[times.Length / 2];
    }
}
