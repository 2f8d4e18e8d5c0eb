using System.CommandLine;
using Workbook.Data;
using Workbook.TorchFiles;
using Workbook.Training;
using Workbook.Files;
using Workbook.ModelFiles;

namespace Workbook.Cli;

/// <summary>
/// <c>export --model FILE -o lab.pt</c>: writes the model as the handout's <c>MIMO_CNN</c> state_dict, which Python loads
/// with <c>model.load_state_dict(torch.load("lab.pt"))</c> on <c>MIMO_CNN(L, taps, features)</c>.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = EvaluateCommand.ModelOption();
        var output = Options.Text("--out", null, "the PyTorch file to write (required)", "FILE.pt", "-o");
        var command = new Command("export", "write a model as a PyTorch state_dict of the handout's MIMO_CNN (layers.{i}.filter, each [K, G, F])") { model, output };
        command.SetAction(parsed =>
        {
            string modelPath = parsed.GetValue(model) ?? throw new UsageException("export needs --model FILE (written by train, or a PyTorch state_dict)");
            string outputPath = parsed.GetValue(output) ?? throw new UsageException("export needs -o FILE.pt, the file to write");
            OutputFile.Prepare(outputPath, modelPath);
            if (File.Exists(modelPath) && FilterBankModelFile.IsImprovedModel(modelPath))
                throw new NotSupportedException($"export writes the lab's MIMO_CNN state_dict; {modelPath} holds the filter-bank CNN, which the handout's class cannot hold " +
                                                "(its filter banks and gain network are not MIMO_CNN layers); export takes a lab model.cnn from train or a MIMO_CNN state_dict");
            var (network, _) = ModelSource.Load(modelPath);
            using var __ = network;
            if (network.Specification.Tanh != Workbook.Networks.TanhPlacement.BetweenLayers)
                Console.Error.WriteLine($"workbook: note: {modelPath} puts tanh after every layer; the handout's MIMO_CNN puts it between layers only, so its outputs will differ");
            LabStateDict.Write(network, outputPath);
            var s = network.Specification;
            Console.WriteLine($"wrote {outputPath}: MIMO_CNN(L={s.Layers}, taps=[{string.Join(", ", s.Taps)}], features=[{string.Join(", ", s.Features)}]) state_dict; " +
                              $"in Python: model.load_state_dict(torch.load(\"{Path.GetFileName(outputPath)}\"))");
            return 0;
        });
        return command;
    }
}
