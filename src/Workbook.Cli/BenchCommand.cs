using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Workbook.Data;
using Workbook.Networks;
using Workbook.Signals;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Cli;

/// <summary>
/// <c>bench</c>: measures the lab's Task 4 workload (bundled data, 250 train / 50 test clips of 16000 samples,
/// features [1,5,1], taps [40,40], SGD lr 0.5, batch 32, train and test evaluated after every epoch) for each
/// convolution algorithm, and prints a table: forward+backward per batch, one epoch, a whole 20-epoch training
/// with its final test loss, and denoising speed as a real-time factor on one thread; the epoch on all threads too, and
/// each epoch as GFLOP/s of the workload's arithmetic (<see cref="TrainingArithmetic"/>), next to the CPU and its
/// vector instruction sets, so a reader sees how close to the machine's limit each algorithm comes. Then the trainer's
/// own thread choice, and the memory of the training run after 2 and after 20 epochs.
/// </summary>
internal static class BenchCommand
{
    private const int Epochs = 20;

    public static Command Create()
    {
        var repeats = Options.WholeNumber("--repeats", 5, "timed repetitions per measurement (the median is shown)", minimum: 1);
        var fullReference = Options.Switch("--full-reference", "also train the reference definition for 20 epochs (minutes)");
        var coldRuns = Options.WholeNumber("--cold-runs", 3, "whole `train` runs, each in a fresh process (0: none)", minimum: 0);
        var command = new Command("bench", "time the Task 4 workload (cold and warm) for each convolution algorithm")
            { repeats, fullReference, coldRuns };
        command.SetAction(parsed => Run(parsed.GetValue(repeats), parsed.GetValue(fullReference), parsed.GetValue(coldRuns)));
        return command;
    }

    private static int Run(int repeats, bool fullReference, int coldRuns)
    {

        var specification = CnnSpecification.LabDenoiser;
        using var clips = DataSource.Load();
        var (train, test) = DataSplit.Split(clips, DataSplit.DefaultTestCount, seed: 1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench {DateTime.Now:yyyy-MM-dd HH:mm}: {GradingBench.CpuModel()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, " +
            $"{RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}, load average {LoadAverage()}"));
        Console.WriteLine($"vector instructions: {VectorInstructions.Describe()}; threads: {Environment.ProcessorCount} (tables below: 1 and {Environment.ProcessorCount})");
        double flops = TrainingArithmetic.FlopsPerEpoch(specification, train.Count, test.Count, clips.Length);
        Console.WriteLine($"workload: {specification}; {train.Count} train + {test.Count} test clips of {clips.Length} samples; " +
                          $"SGD lr 0.5, batch 32, {Epochs} epochs, train and test L1 after each epoch");
        Console.WriteLine(Format($"arithmetic: {flops / 1e9:F2} GFLOP per epoch in the convolutions' direct form (forward, gradients to taps and inputs, ") +
                          "evaluation of train and test clips: 2·N·[Q·(2ΣM + Σ_{l≥2}M) + (Q+T)·ΣM], M = K·F·G per layer); GFLOP/s = that / epoch time");
        Console.WriteLine();

        if (coldRuns > 0)
        {
            ColdTraining(coldRuns);
            Console.WriteLine();
        }

        // Memory first, so that the process peak is that of one 20-epoch run and not of the slower runs below.
        var memory = new List<string>();
        Train(specification, ConvolutionAlgorithm.Auto, train, test, Epochs, threads: 1, onEpoch: e =>
        {
            if (e.Epoch is 2 or Epochs)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                memory.Add(Format($"after epoch {e.Epoch}: {Process.GetCurrentProcess().WorkingSet64 / 1e6:F0} MB"));
            }
        });
        Console.WriteLine($"memory (working set) of a 20-epoch run: {string.Join(", ", memory)}; process peak {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
        Console.WriteLine();
        int allThreads = Environment.ProcessorCount;
        Threads.Use(1);
        double fastEpoch = 0;
        string manyThreads = $"{allThreads} threads";
        Terminal.Table(["algorithm", "fwd+bwd/batch", "epoch", "GFLOP/s", $"epoch, {manyThreads}", "GFLOP/s", "20 epochs", "final test L1", "denoise, 1 thread"],
            [-25, 13, 7, 7, 16, 7, 10, 13, 18], add =>
        {
            foreach (var algorithm in new[] { ConvolutionAlgorithm.Auto, ConvolutionAlgorithm.Simd, ConvolutionAlgorithm.Fft, ConvolutionAlgorithm.OverlapSave, ConvolutionAlgorithm.Blocked, ConvolutionAlgorithm.Direct, ConvolutionAlgorithm.ShiftRegister })
            {
                bool reference = algorithm == ConvolutionAlgorithm.ShiftRegister;
                double batch = Median(reference ? 1 : repeats, () => TimeBatch(specification, algorithm, train));
                double epoch = Median(reference ? 1 : 3, () => Train(specification, algorithm, train, test, 1, threads: 1).Seconds);
                string parallelEpoch = "", parallelRate = "";
                if (!reference && allThreads > 1)
                {
                    double seconds = Median(3, () => Train(specification, algorithm, train, test, 1, threads: allThreads).Seconds);
                    parallelEpoch = Format($"{seconds:F3} s");
                    parallelRate = Format($"{flops / seconds / 1e9:F1}");
                }
                if (algorithm == ConvolutionAlgorithm.Auto) fastEpoch = epoch;
                string whole = "", final = "";
                if (!reference || fullReference)
                {
                    var run = Train(specification, algorithm, train, test, Epochs, threads: 1);
                    whole = Format($"{run.Seconds:F2} s");
                    final = Format($"{run.History.Final!.TestL1:F6}");
                }
                else whole = Format($"{Epochs * epoch:F0} s*");
                double realTime = DenoiseRealTimeFactor(specification, algorithm, test);
                add([Name(algorithm), Format($"{batch * 1000:F1} ms"), Format($"{epoch:F3} s"), Format($"{flops / epoch / 1e9:F1}"),
                     parallelEpoch, parallelRate, whole, final, Format($"{realTime:F0} x real time")]);
            }
        });
        Console.WriteLine("fwd+bwd/batch, epoch, 20 epochs, denoise: one thread; GFLOP/s: the workload's arithmetic (above) per second of epoch");
        if (!fullReference) Console.WriteLine("* the reference's 20 epochs estimated as 20 x one epoch (run `bench --full-reference` to train it: minutes)");

        if (allThreads > 1)
        {
            Console.WriteLine();
            var parallel = Train(specification, ConvolutionAlgorithm.Auto, train, test, Epochs, threads: allThreads);
            double parallelEpoch = Median(3, () => Train(specification, ConvolutionAlgorithm.Auto, train, test, 1, threads: allThreads).Seconds);
            Console.WriteLine(Format($"Auto with {allThreads} threads: epoch {parallelEpoch:F3} s (1 thread: {fastEpoch:F3} s), 20 epochs {parallel.Seconds:F2} s, final test L1 {parallel.History.Final!.TestL1:F6}"));
            var chosen = new Trainer(TrainingOptions.Lab with { Epochs = 1 }).Train(specification, train, test);
            chosen.Model.Dispose();
            Console.WriteLine($"the trainer's own choice right now: {chosen.History.ThreadChoice}");
        }
        Console.WriteLine($"warm: in this process, after a warm-up; without process start, data loading or thread calibration. Load average at the end {LoadAverage()}");

        return 0;
    }

    /// <summary>
    /// Cold: what a user waits for. Each run is a fresh <c>train</c> process with the defaults (bundled data, 20 epochs,
    /// the trainer's own thread choice), timed from launch to exit; <c>train</c> itself reports the part before its first
    /// epoch (runtime start-up, data loading, thread calibration).
    /// </summary>
    private static void ColdTraining(int runs)
    {
        string dotnet = Environment.ProcessPath ?? "dotnet";
        string cli = typeof(BenchCommand).Assembly.Location;
        bool viaHost = Path.GetFileNameWithoutExtension(dotnet) == "dotnet";
        var walls = new List<double>();
        var before = new List<double>();
        for (int run = 0; run < runs; run++)
        {
            string output = Directory.CreateTempSubdirectory("workbook-bench-cold-").FullName;
            try
            {
                var start = new ProcessStartInfo(dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                if (viaHost) start.ArgumentList.Add(cli);
                foreach (string word in new[] { "train", "--out", output }) start.ArgumentList.Add(word);
                var clock = Stopwatch.StartNew();
                using var process = Process.Start(start)!;
                var error = process.StandardError.ReadToEndAsync();
                string text = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                double wall = clock.Elapsed.TotalSeconds;
                if (process.ExitCode != 0)
                    throw new InvalidOperationException($"bench: the cold train run failed (exit {process.ExitCode}): {error.Result.Trim()}");
                var reported = System.Text.RegularExpressions.Regex.Match(text, @"; ([0-9.]+) s of it before the first epoch");
                walls.Add(wall);
                if (reported.Success) before.Add(double.Parse(reported.Groups[1].Value, CultureInfo.InvariantCulture));
                Console.WriteLine(Format($"cold run {run + 1}/{runs}: `train` (defaults, 20 epochs) in a fresh process: {wall:F2} s wall") +
                                  (reported.Success ? Format($", {before[^1]:F2} s of it before the first epoch") : ""));
            }
            finally { Directory.Delete(output, recursive: true); }
        }
        double Middle(List<double> values) => values.Order().ElementAt(values.Count / 2);
        Console.WriteLine(Format($"cold: median {Middle(walls):F2} s wall (min {walls.Min():F2}, max {walls.Max():F2}) over {runs} fresh processes") +
                          (before.Count > 0 ? Format($"; before the first epoch: median {Middle(before):F2} s") : "") +
                          $"; load average now {LoadAverage()}");
    }

    private static string Name(ConvolutionAlgorithm algorithm) => algorithm switch
    {
        ConvolutionAlgorithm.ShiftRegister => "ShiftRegister (reference)",
        ConvolutionAlgorithm.Direct => "Direct (conv1d)",
        ConvolutionAlgorithm.Auto => "Auto (the default)",
        ConvolutionAlgorithm.Simd => "Simd (vector loops)",
        _ => algorithm.ToString(),
    };

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static double TimeBatch(CnnSpecification specification, ConvolutionAlgorithm algorithm, PairedClips train)
    {
        manual_seed(1);
        using var model = new MimoCnn(specification) { Algorithm = algorithm };
        using var x = train.Noisy.narrow(0, 0, 32);
        using var y = train.Clean.narrow(0, 0, 32);
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        nn.functional.l1_loss(model.call(x), y).backward();
        return clock.Elapsed.TotalSeconds;
    }

    private static (double Seconds, TrainingHistory History) Train(CnnSpecification specification, ConvolutionAlgorithm algorithm,
        PairedClips train, PairedClips test, int epochs, int threads, Action<EpochResult>? onEpoch = null)
    {
        manual_seed(1);
        using var model = new MimoCnn(specification) { Algorithm = algorithm };
        var trainer = new Trainer(TrainingOptions.Lab with { Epochs = epochs, Threads = threads });
        var clock = Stopwatch.StartNew();
        var history = trainer.Fit(model, train, test, onEpoch);
        return (clock.Elapsed.TotalSeconds, history);
    }

    /// <summary>Seconds of audio denoised per second of computing, on one thread.</summary>
    private static double DenoiseRealTimeFactor(CnnSpecification specification, ConvolutionAlgorithm algorithm, PairedClips clips)
    {
        int before = get_num_threads();
        Threads.Use(1);
        try
        {
            manual_seed(1);
            using var model = new MimoCnn(specification) { Algorithm = algorithm };
            using var _ = no_grad();
            using (NewDisposeScope()) model.call(clips.Noisy.narrow(0, 0, 1)); // warm-up
            var clock = Stopwatch.StartNew();
            int passes = 0;
            do
            {
                using var scope = NewDisposeScope();
                model.call(clips.Noisy);
                passes++;
            } while (clock.Elapsed.TotalSeconds < 1 && algorithm != ConvolutionAlgorithm.ShiftRegister);
            return passes * clips.Count * clips.Length / (double)clips.SampleRate / clock.Elapsed.TotalSeconds;
        }
        finally { Threads.Use(before); }
    }

    private static double Median(int repeats, Func<double> measure)
    {
        measure(); // warm-up: first calls pay for allocation and dispatch set-up
        var times = Enumerable.Range(0, repeats).Select(_ => measure()).Order().ToArray();
        return times[times.Length / 2];
    }

    /// <summary>The 1-minute load average (Linux's /proc/loadavg); other systems do not publish one as a file.</summary>
    private static string LoadAverage()
    {
        if (!OperatingSystem.IsLinux()) return "not known on this OS";
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "unknown"; }
    }
}
