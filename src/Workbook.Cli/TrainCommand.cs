using System.CommandLine;
using System.Globalization;
using Workbook.Data;
using Workbook.Evaluation;
using Workbook.Networks;
using Workbook.Training;
using Workbook.Fast;
using Workbook.FilterBank;
using Workbook.ModelFiles;

namespace Workbook.Cli;

/// <summary>
/// <c>train</c>: the lab's Task 4. Loads the data, splits it 50 test / rest train, trains the CNN with SGD on the
/// L1 loss, and writes the model, the per-epoch history (CSV) and an offline HTML loss plot to the output folder.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = Options.Text("--data", null, "a course .pt file (dataB.pt), a folder with noisy/ and clean/ WAVs [default: the bundled set]", "PATH");
        var epochs = Options.WholeNumber("--epochs", 20, "passes over the training clips", minimum: 1);
        var lr = Options.Number("--lr", 0.5, "SGD learning rate", exclusiveMinimum: 0);
        var batchSize = Options.WholeNumber("--batch-size", 32, "clips per SGD step", minimum: 1);
        var taps = Options.IntegerList("--taps", "40,40", "taps K per layer (L = their count)");
        var features = Options.IntegerList("--features", "1,5,1", "features F0..FL, starting and ending with 1 (mono audio)");
        var seed = Options.WholeNumber("--seed", 1, "seeds the initial coefficients, the split and the batches");
        var testCount = Options.WholeNumber("--test-count", DataSplit.DefaultTestCount, "clips held out for testing", minimum: 1);
        var output = Options.Text("--out", null, "folder for model.cnn, history.csv and loss.html [default: runs/YYYYMMDD-HHMMSS]", "DIR");
        var device = Options.Device();
        var threads = Options.Threads();
        var tanhEveryLayer = Options.Switch("--tanh-every-layer", "tanh after the last layer too (the handout's text; its code puts it between layers)");
        var initFrom = Options.Text("--init-from", null, "start from this model's coefficients (a model.cnn or a PyTorch state_dict .pt) instead of random ones; its architecture is used", "FILE");
        var recipe = Options.Text("--recipe", "lab", "lab: the handout's CNN and SGD loop; filter-bank: notebook 05's filter-bank CNN and recipe (its own defaults: 60 epochs, Adam lr 0.003, batch 16); improved: the same as filter-bank", "lab|filter-bank");
        recipe.AcceptOnlyFromAmong("lab", "filter-bank", "improved");
        var synthesized = Options.WholeNumber("--synthesized-clips", FilterBankTrainingOptions.DefaultSynthesizedClips,
            "filter-bank recipe: clips of synthesized speech (espeak-ng, Festival) added to the bundled training clips, cached after the first run; 0: none", minimum: 0);
        var reverberant = Options.Number("--reverberant-share", FilterBankTrainingOptions.Default.ReverberantShare,
            "filter-bank recipe: the share of synthesized clips heard in a synthetic room each epoch (0 to 1)");
        var gainLossPower = Options.Number("--gain-loss-power", FilterBankTrainingOptions.Default.GainLossPower,
            "filter-bank recipe: the power both gains are raised to in the loss on every band's gain (1: the gains; 0.5: their square roots, as RNNoise, which closes bands that hold only noise harder)", exclusiveMinimum: 0);
        var command = new Command("train", "train the denoiser (lab Task 4); diverged runs exit 1 and keep the previous model")
            { data, epochs, lr, batchSize, taps, features, seed, testCount, output, device, threads, tanhEveryLayer, initFrom, recipe, synthesized, reverberant, gainLossPower };
        Func<ParseResult, int> train = parsed =>
        {
            if (parsed.GetValue(recipe) is "filter-bank" or "improved")
            {
                if (Given(parsed, taps) || Given(parsed, features) || Given(parsed, tanhEveryLayer) || Given(parsed, initFrom))
                    throw new UsageException($"--recipe {parsed.GetValue(recipe)} has its own network: leave out --taps, --features, --tanh-every-layer and --init-from");
                var improved = FilterBankTrainingOptions.Default with
                {
                    SynthesizedClips = parsed.GetValue(synthesized), ReverberantShare = parsed.GetValue(reverberant),
                    GainLossPower = parsed.GetValue(gainLossPower),
                };
                improved = improved with
                {
                    Epochs = Given(parsed, epochs) ? parsed.GetValue(epochs) : improved.Epochs,
                    LearningRate = Given(parsed, lr) ? parsed.GetValue(lr) : improved.LearningRate,
                    BatchSize = Given(parsed, batchSize) ? parsed.GetValue(batchSize) : improved.BatchSize,
                    Seed = parsed.GetValue(seed),
                    Device = parsed.GetValue(device)!,
                    Threads = parsed.GetValue(threads) is int n and > 0 ? n : null,
                };
                string runFolder = parsed.GetValue(output) ?? Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
                return FilterBankTraining.Run(parsed.GetValue(data), improved, parsed.GetValue(testCount), runFolder);
            }
            if (Given(parsed, synthesized) || Given(parsed, reverberant) || Given(parsed, gainLossPower))
                throw new UsageException("--synthesized-clips, --reverberant-share and --gain-loss-power belong to --recipe filter-bank");
            var options = new TrainingOptions
            {
                Epochs = parsed.GetValue(epochs),
                LearningRate = parsed.GetValue(lr),
                BatchSize = parsed.GetValue(batchSize),
                Seed = parsed.GetValue(seed),
                Device = parsed.GetValue(device)!,
                Threads = parsed.GetValue(threads) is int t and > 0 ? t : null,
            };
            var tanh = parsed.GetValue(tanhEveryLayer) ? TanhPlacement.AfterEveryLayer : TanhPlacement.BetweenLayers;
            var specification = new CnnSpecification(Options.ParseList(parsed.GetValue(taps)!), Options.ParseList(parsed.GetValue(features)!), tanh);
            string? init = parsed.GetValue(initFrom);
            if (init != null && (Given(parsed, taps) || Given(parsed, features)))
                throw new UsageException("--init-from takes the architecture from the model; leave out --taps and --features");
            string folder = parsed.GetValue(output) ?? Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            return Run(parsed.GetValue(data), options, specification, parsed.GetValue(testCount), folder, init);
        };
        // The read-ahead starts in a method of its own: compiling the one above already loads libtorch (the JIT runs the
        // static constructors of the option types it uses).
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(data) == null) ReadBundledSetAhead();
            return train(parsed);
        });
        return command;
    }

    /// <summary>The bundled set's key and cache file are read on another thread while this one loads libtorch (the two
    /// take about as long; see <see cref="BundledDataCache.StartReadAhead"/>). Without a data set nothing starts: loading reports it.</summary>
    private static void ReadBundledSetAhead()
    {
        try { BundledDataCache.Default?.StartReadAhead(BundledDataSet.FindDirectory()); }
        catch (DirectoryNotFoundException) { }
    }

    private static bool Given(ParseResult parsed, Option option) => parsed.GetResult(option) is { Implicit: false };

    private static int Run(string? data, TrainingOptions options, CnnSpecification specification, int testCount, string output, string? initFrom)
    {
        UsageException.Checked(options.ResolveDevice); // a missing GPU is reported before minutes of loading
        // The same limits as every model file's, so that train never writes a model that evaluate refuses.
        if (initFrom == null && ModelLimits.Violation(specification) is string violation)
            throw new UsageException($"--taps and --features: {violation}");
        UsageException.Checked(() => new Trainer(options));   // the options' own checks

        // A starting model is read (and refused if damaged) before the folder is locked and the data loaded. It brings
        // its architecture; the tanh placement is the model's unless --tanh-every-layer asks for tanh after every layer.
        MimoCnn? start = null;
        if (initFrom != null)
        {
            var (loaded, header) = ModelSource.Load(initFrom);
            using var loadedModel = loaded;
            specification = new CnnSpecification(header.Taps, header.Features,
                specification.Tanh == TanhPlacement.AfterEveryLayer ? TanhPlacement.AfterEveryLayer : header.Tanh);
            start = new MimoCnn(specification);
            using (TorchSharp.torch.no_grad())
                for (int l = 0; l < specification.Layers; l++) start.Layers[l].H.copy_(loaded.Layers[l].H);
        }
        using var startModel = start;

        // The folder is locked and checked before minutes of loading and training; files appear in it only at the end.
        using var run = RunFolder.Open(output);
        using var clips = DataSource.Load(data);
        var (train, test) = DataSplit.Split(clips, testCount, options.Seed);
        using var _ = train;
        using var __ = test;
        double identity = IdentityDenoiser.L1(test);   // not a whole EvaluationTable: its SNRs would delay the first epoch
        Console.WriteLine($"data: {clips}; {train.Count} train, {test.Count} test");
        Console.WriteLine($"model: {specification}; SGD lr {options.LearningRate}, batch {options.BatchSize}, {options.Epochs} epochs, seed {options.Seed}, {options.Device}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"identity baseline (output = noisy input): test_l1 {identity:F6}"));

        if (initFrom != null) Console.WriteLine($"starting from the coefficients of {initFrom}");

        var report = new TrainingRunOutput(run, options.Epochs, identity);
        var (model, finished) = Terminal.WithProgress($"training, {options.Epochs} epochs", options.Epochs, progress =>
        {
            var trainer = new Trainer(options);
            return startModel == null
                ? trainer.Train(specification, train, test, epoch => report.OnEpoch(epoch, progress))
                : (startModel, trainer.Fit(startModel, train, test, epoch => report.OnEpoch(epoch, progress)));
        });
        using var ___ = startModel == null ? model : null;   // a starting model is disposed by its own using
        return report.Finish(finished, $"Training {specification} on {clips.Source}", path => ModelFile.Save(model, path,
            new ModelFile.Header(specification.Taps.ToArray(), specification.Features.ToArray(), specification.Tanh, clips.SampleRate,
                $"trained {DateTime.Now:yyyy-MM-dd HH:mm} on {clips}; {options}", data, testCount, options.Seed)), specification.ParameterCount);
    }
}
