using System.CommandLine;
using System.Globalization;
using TorchSharp;
using Workbook.Data;
using Workbook.Evaluation;
using Workbook.Training;

namespace Workbook.Cli;

/// <summary>
/// <c>evaluate</c>: scores the trained model against the identity and the least-squares linear FIR filter on the
/// test clips of the split the model was trained with, and prints one row per denoiser (a table on a terminal).
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = ModelOption();
        var data = DataOption();
        var firTaps = Options.WholeNumber("--fir-taps", WienerFilter.DefaultTaps, "taps of the least-squares FIR baseline", minimum: 1);
        var device = Options.Device();
        var threads = Options.Threads();
        var command = new Command("evaluate", "compare the model with the identity and the least-squares FIR filter on the test clips")
            { model, data, firTaps, device, threads };
        command.SetAction(parsed =>
        {
            string path = parsed.GetValue(model) ?? throw new UsageException("evaluate needs --model FILE (written by train, or a PyTorch state_dict)");
            var on = UsageException.Checked(() => Devices.Resolve(parsed.GetValue(device)!));
            ThreadPolicy.Apply(parsed.GetValue(threads));
            return Run(path, parsed.GetValue(data), parsed.GetValue(firTaps), on);
        });
        return command;
    }

    /// <summary><c>--model FILE</c> as evaluate and denoise take it: either kind of model file.</summary>
    public static Option<string> ModelOption() =>
        Options.Text("--model", null, "the model: a model.cnn written by train, or a PyTorch state_dict (.pt) of the handout's MIMO_CNN (required)", "FILE");

    public static Option<string> DataOption() =>
        Options.Text("--data", null, "a course .pt file (dataB.pt), a folder with noisy/ and clean/ WAVs [default: the model's data, else the bundled set]", "PATH");

    private static int Run(string modelPath, string? dataOption, int firTaps, torch.Device device)
    {
        var (network, header) = ModelSource.Load(modelPath);
        using var _ = network;
        string? data = dataOption ?? header.Data;
        using var clips = DataSource.Load(data);
        var (trainOnHost, testOnHost) = DataSplit.Split(clips, header.TestCount, header.SplitSeed);
        using var train = trainOnHost.To(device);
        using var test = testOnHost.To(device);
        trainOnHost.Dispose();
        testOnHost.Dispose();
        network.to(device);
        Console.WriteLine($"model: {modelPath} ({network.Specification})");
        Console.WriteLine($"test clips: {test.Count} of {clips} (split seed {header.SplitSeed}); FIR fitted on the {train.Count} training clips");
        var rows = Terminal.WithProgress("scoring", 4, progress =>
        {
            var fir = WienerFilter.Fit(train.Noisy, train.Clean, firTaps);
            progress.Done(1, "scoring the identity");
            var scored = new List<DenoiserScore>();
            foreach (var denoiser in new IDenoiser[] { new IdentityDenoiser(), fir, new NetworkDenoiser(network) })
            {
                scored.AddRange(EvaluationTable.Score(test, [denoiser]));
                progress.Done(scored.Count + 1, $"scored {denoiser.Name}");
            }
            return scored;
        });
        int nameWidth = Math.Max(8, rows.Max(r => r.Name.Length));
        Terminal.Table(["denoiser", "L1", "MSE", "SNR dB", "ΔSNR dB", "SI-SDR dB", "ΔSI-SDR dB"], [-nameWidth, 9, 10, 7, 8, 9, 10], add =>
        {
            foreach (var r in rows)
                add([r.Name, F(r.L1, "F5"), F(r.Mse, "E3"), F(r.SnrDb, "F2"), F(r.SnrImprovementDb, "F2"), F(r.SiSdrDb, "F2"), F(r.SiSdrImprovementDb, "F2")]);
        });
        return 0;
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
