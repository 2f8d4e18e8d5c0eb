using TorchSharp;
using Workbook.Data;
using Workbook.Evaluation;
using Workbook.Training;

namespace Workbook.Cli;

/// <summary>
/// <c>evaluate</c>: scores the trained model against the identity and the least-squares linear FIR filter on the
/// test clips of the split the model was trained with, and prints one row per denoiser.
/// </summary>
internal static class EvaluateCommand
{
    public static int Run(Arguments arguments)
    {
        string model = arguments.Text("model") ?? throw new UsageException("evaluate needs --model FILE (written by train)");
        string? dataOption = arguments.Text("data");
        int firTaps = arguments.Integer("fir-taps", WienerFilter.DefaultTaps, minimum: 1);
        var device = UsageException.Checked(() => Devices.Resolve(arguments.Text("device", "cpu")));
        ThreadPolicy.Apply(arguments.Integer("threads", 0, minimum: 0));
        arguments.RejectUnknown();

        var (network, header) = ModelFile.Load(model);
        using var _ = network;
        string? data = dataOption ?? header.Data;
        using var clips = DataSource.Load(data);
        var (trainOnHost, testOnHost) = DataSplit.Split(clips, header.TestCount, header.SplitSeed);
        using var train = trainOnHost.To(device);
        using var test = testOnHost.To(device);
        trainOnHost.Dispose();
        testOnHost.Dispose();
        network.to(device);
        Console.WriteLine($"model: {model} ({network.Specification})");
        Console.WriteLine($"test clips: {test.Count} of {clips} (split seed {header.SplitSeed}); FIR fitted on the {train.Count} training clips");
        var denoisers = new IDenoiser[] { new IdentityDenoiser(), WienerFilter.Fit(train.Noisy, train.Clean, firTaps), new NetworkDenoiser(network) };
        Console.Write(EvaluationTable.Format(EvaluationTable.Score(test, denoisers)));
        return 0;
    }
}
