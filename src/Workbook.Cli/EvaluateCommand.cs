using System.CommandLine;
using System.Globalization;
using TorchSharp;
using Workbook.Data;
using Workbook.Evaluation;
using Workbook.Training;
using Workbook.ModelFiles;
using Workbook.Files;

namespace Workbook.Cli;

/// <summary>
/// <c>evaluate</c>: scores the trained model against the identity and the least-squares linear FIR filter on the
/// test clips of the split the model was trained with, and prints one row per denoiser (a table on a terminal).
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var models = new Option<string[]>("--model")
        {
            Description = "a model: a model.cnn written by train (either recipe), or a PyTorch state_dict (.pt) of the handout's MIMO_CNN; " +
                          "repeat it to compare several (the first one's data and split are used) (required)",
            HelpName = "FILE",
            Arity = ArgumentArity.OneOrMore,
        };
        var data = DataOption();
        var firTaps = Options.WholeNumber("--fir-taps", WienerFilter.DefaultTaps, "taps of the least-squares FIR baseline", minimum: 1);
        var byNoise = Options.Switch("--by-noise", "also score each input-SNR band (measured on each pair) and each noise kind (the bundled set records them)");
        var device = Options.Device();
        var threads = Options.Threads();
        var command = new Command("evaluate", "compare models with the identity, the least-squares FIR filter and an STFT Wiener filter on the test clips")
            { models, data, firTaps, byNoise, device, threads };
        command.SetAction(parsed =>
        {
            var paths = parsed.GetValue(models) is { Length: > 0 } given ? given : throw new UsageException("evaluate needs --model FILE (written by train, or a PyTorch state_dict)");
            var on = UsageException.Checked(() => Devices.Resolve(parsed.GetValue(device)!));
            ThreadPolicy.Apply(parsed.GetValue(threads));
            return Run(paths, parsed.GetValue(data), parsed.GetValue(firTaps), parsed.GetValue(byNoise), on);
        });
        return command;
    }

    /// <summary><c>--model FILE</c> as evaluate and denoise take it: either kind of model file.</summary>
    public static Option<string> ModelOption() =>
        Options.Text("--model", null, "the model: a model.cnn written by train, or a PyTorch state_dict (.pt) of the handout's MIMO_CNN (required)", "FILE");

    public static Option<string> DataOption() =>
        Options.Text("--data", null, "a course .pt file (dataB.pt), a folder with noisy/ and clean/ WAVs [default: the model's data, else the bundled set]", "PATH");

    private static int Run(string[] modelPaths, string? dataOption, int firTaps, bool byNoise, torch.Device device)
    {
        var networks = new List<TrainedNetwork>();
        try
        {
            foreach (var path in modelPaths) networks.Add(ModelSource.LoadNetwork(path));
            var first = networks[0];
            string? data = dataOption ?? first.Data;
            // The header's data path comes from the file: it is printed in messages, so it may not carry control characters.
            if (dataOption == null && data != null && data.Any(char.IsControl))
                throw new InvalidDataException($"{modelPaths[0]}: the model header names its data as '{Quoted.Escape(data)}', a path with control characters; give --data");
            using var clips = DataSource.Load(data);
            var (trainOnHost, testOnHost) = DataSplit.Split(clips, first.TestCount, first.SplitSeed);
            using var train = trainOnHost.To(device);
            using var test = testOnHost.To(device);
            trainOnHost.Dispose();
            testOnHost.Dispose();
            for (int m = 0; m < networks.Count; m++)
            {
                networks[m].Network.to(device);
                Console.WriteLine($"model{(networks.Count > 1 ? $" {m + 1}" : "")}: {modelPaths[m]} ({networks[m].Architecture}); {networks[m].Name}, {networks[m].ParameterCount} coefficients");
            }
            Console.WriteLine($"test clips: {test.Count} of {clips} (split seed {first.SplitSeed}); FIR fitted on the {train.Count} training clips");
            var scores = Terminal.WithProgress("scoring", 3 + networks.Count, progress =>
            {
                var fir = WienerFilter.Fit(train.Noisy, train.Clean, firTaps);
                progress.Done(1, "scoring the identity");
                var denoisers = new List<IDenoiser> { new IdentityDenoiser(), fir, new SpectralWiener() };
                denoisers.AddRange(networks.Select((n, i) => new NetworkDenoiser(n.Network, networks.Count(o => o.Name == n.Name) > 1 ? $"{n.Name} ({i + 1})" : n.Name)));
                var scored = new List<ClipScores>();
                foreach (var denoiser in denoisers)
                {
                    scored.Add(ClipScores.Of(denoiser, test.Noisy, test.Clean));
                    progress.Done(scored.Count, $"scored {denoiser.Name}");
                }
                return scored;
            });
            PrintTable(scores.Select(s => new GroupScore("all", test.Count, s.Mean())).ToArray(), grouped: false);
            if (byNoise)
            {
                // Only the bundled set records each clip's noise kind; the input-SNR bands are measured on any pairs.
                var groups = (data == null ? ScoreBreakdown.ByNoiseKind(BundledDataSet.ReadManifest(), first.TestCount, first.SplitSeed) : [])
                    .Concat(ScoreBreakdown.BySnrBand(test.Noisy, test.Clean)).ToArray();
                Console.WriteLine();
                if (data != null) Console.WriteLine($"by input SNR only: {data} does not record each clip's noise kind");
                PrintTable(ScoreBreakdown.Score(scores, groups), grouped: true);
            }
            return 0;
        }
        finally
        {
            foreach (var n in networks) n.Dispose();
        }
    }

    private static void PrintTable(IReadOnlyList<GroupScore> rows, bool grouped)
    {
        int nameWidth = Math.Max(8, rows.Max(r => r.Score.Name.Length));
        int groupWidth = Math.Max(5, rows.Max(r => r.Group.Length + 6));
        string[] headers = ["denoiser", "L1", "MSE", "SNR dB", "ΔSNR dB", "SI-SDR dB", "ΔSI-SDR dB"];
        int[] widths = [-nameWidth, 9, 10, 7, 8, 9, 10];
        if (grouped)
        {
            headers = ["clips", .. headers];
            widths = [-groupWidth, .. widths];
        }
        Terminal.Table(headers, widths, add =>
        {
            foreach (var row in rows)
            {
                var r = row.Score;
                string[] cells = [r.Name, F(r.L1, "F5"), F(r.Mse, "E3"), F(r.SnrDb, "F2"), F(r.SnrImprovementDb, "F2"), F(r.SiSdrDb, "F2"), F(r.SiSdrImprovementDb, "F2")];
                add(grouped ? [$"{row.Group} ({row.Clips})", .. cells] : cells);
            }
        });
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
