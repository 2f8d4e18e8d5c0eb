using System.Diagnostics;
using Workbook.Data;
using Workbook.Networks;
using TorchSharp;
using static TorchSharp.torch;
using Workbook.Fast;
using Workbook.Training;

namespace Workbook.FilterBank;

/// <summary>
/// Trains an <see cref="FilterBankCnn"/>: Adam (or SGD, for comparison) with a cosine learning-rate schedule, the −SNR (or SI-SDR, or L1) loss
/// plus a loss on the gates' gains against the ideal ones, and, on
/// the bundled set, fresh noise on the clean training clips every epoch (at the input SNRs and levels of an
/// <see cref="InputSnrMix"/>, clean inputs among them). After each epoch the train L1 and MSE (of the
/// epoch's batches) and the test L1 and MSE (of the whole test clips) are reported as the lab's trainer reports them, so
/// the same tables and plots show both recipes.
/// </summary>
public sealed class FilterBankRecipe
{
    private readonly FilterBankTrainingOptions options;

    public FilterBankRecipe(FilterBankTrainingOptions options)
    {
        options.Validate();
        this.options = options;
    }

    /// <summary>Builds the network from the options' seed and trains it.</summary>
    /// <param name="freshNoise">new noisy versions of <paramref name="train"/>'s clips (same order), or null to train on
    /// <paramref name="train"/> as it is (data other than the bundled set)</param>
    public (FilterBankCnn Model, TrainingHistory History) Train(PairedClips train, PairedClips test, FreshNoise? freshNoise = null,
        Action<EpochResult>? onEpoch = null, CancellationToken cancellation = default)
    {
        if (train.Count == 0) throw new ArgumentException("there are no training clips");
        if (freshNoise != null && freshNoise.Count != train.Count)
            throw new ArgumentException($"fresh noise for {freshNoise.Count} clips, but there are {train.Count} training clips");
        if (options.SynthesizedClips > 0 && freshNoise?.SynthesizedCount != options.SynthesizedClips)
            throw new ArgumentException($"the options ask for {options.SynthesizedClips} synthesized clips, but the fresh noise holds {freshNoise?.SynthesizedCount ?? 0}: " +
                "add them with FreshNoise.WithSynthesizedSpeech and FreshNoise.TrainingPairs, as train --recipe filter-bank does");
        var device = options.ResolveDevice();
        manual_seed(options.Seed);
        var model = new FilterBankCnn(options.Network);
        model.to(device);
        using var run = new EpochBookkeeping(options.Threads, options.LearningRate);
        using var trainClean = train.Clean.to(device);
        using var trainNoisy = train.Noisy.to(device);
        using var testNoisy = test.Noisy.to(device);
        using var testClean = test.Clean.to(device);
        using optim.Optimizer optimizer = options.Optimizer == FilterBankOptimizer.Adam
            ? optim.Adam(model.parameters(), options.LearningRate)
            : optim.SGD(model.parameters(), options.LearningRate);
        var batches = new Batches(train.Count, options.BatchSize, options.Seed);
        int stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        long totalSteps = (long)stepsPerEpoch * options.Epochs, step = 0;
        var crops = new Random(options.Seed);
        long length = train.Length, crop = options.CropLength > 0 ? Math.Min(options.CropLength, length) : length;

        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            // With an SNR mix every epoch is drawn afresh, the first too (the bundled noisy clips are all 0–10 dB);
            // without one, the first epoch is the bundled set itself.
            var (epochNoisy, epochClean) = !options.FreshNoiseEachEpoch || freshNoise == null ? (trainNoisy.alias(), trainClean.alias())
                : options.InputSnr is { } mix ? freshNoise.Mixed(epoch, mix)
                : epoch > 1 ? (freshNoise.Noisy(epoch - 1), trainClean.alias())
                : (trainNoisy.alias(), trainClean.alias());
            using var noisy = epochNoisy.to(device);
            using var cleanOfEpoch = epochClean.to(device);
            if (!ReferenceEquals(noisy, epochNoisy)) epochNoisy.Dispose();
            if (!ReferenceEquals(cleanOfEpoch, epochClean)) epochClean.Dispose();
            model.train();
            var trainErrors = new ErrorSums();
            foreach (var batch in batches.NextEpoch()) run.Step(batch.Length, () =>
            {
                using var scope = NewDisposeScope();
                SetLearningRate(optimizer, LearningRateAt(step++, totalSteps));
                using var index = tensor(batch, device: device);
                optimizer.zero_grad();
                long start = crops.NextInt64(length - crop + 1);
                var input = noisy.index_select(0, index).narrow(2, start, crop);
                var clean = cleanOfEpoch.index_select(0, index).narrow(2, start, crop);
                var (estimate, gates) = model.ForwardWithGates(input);
                var loss = options.Loss switch
                {
                    FilterBankLoss.SiSdr => SiSdrLoss.Compute(estimate, clean),
                    FilterBankLoss.Snr => SiSdrLoss.Snr(estimate, clean, options.SnrCeilingDb),
                    _ => nn.functional.l1_loss(estimate, clean),
                };
                if (options.GainLossWeight > 0)
                    loss = loss + options.GainLossWeight * GainLoss(gates, model.IdealFrameGains(input, clean), options.GainLossPower);
                loss.backward();
                if (options.LearnedBands is int learned) KeepDesignedBands(model, learned);
                optimizer.step();
                trainErrors.Add(estimate.detach(), clean);
            });
            run.ReleaseAutogradNodes();
            // The train losses are those of the epoch's batches as they were seen (fresh noise, crops, the weights of
            // the moment): a second pass over every training clip would cost more than the epoch's training itself.
            double trainL1 = trainErrors.MeanAbsolute, trainMse = trainErrors.MeanSquared;
            var (testL1, testMse) = Trainer.Evaluate(model, testNoisy, testClean);
            if (!run.EndEpoch(new EpochResult(epoch, trainL1, testL1, trainMse, testMse, clock.Elapsed), onEpoch)) break;
        }
        return (model, run.Finish());
    }

    /// <summary>
    /// The mean square, over every band and frame, between the gain every band passed with, 1 + g, and its ideal gain,
    /// both raised to <paramref name="power"/>: <c>mean((1 + g)^p − ĝ^p)²</c>
    /// (<see cref="FilterBankTrainingOptions.GainLossWeight"/>, <see cref="FilterBankTrainingOptions.GainLossPower"/>).
    /// </summary>
    public static Tensor GainLoss(Tensor gates, Tensor idealGains, double power = 1)
    {
        if (power == 1) return (1 + gates - idealGains).square().mean();
        using var scope = NewDisposeScope();
        // The gain 1 + g is above 0 (g = tanh), but a power below 1 has an infinite slope at 0: keep a hair above it.
        return ((1 + gates).clamp_min(1e-6).pow(power) - idealGains.pow(power)).square().mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Zeroes the gradient of every band's filters but the lowest <paramref name="learned"/>: the optimiser then never moves
    /// them (Adam's step is its running mean of the gradient, zero throughout; SGD's the gradient itself).
    /// </summary>
    private static void KeepDesignedBands(FilterBankCnn model, int learned)
    {
        long bands = model.Analysis.shape[2];
        if (learned >= bands) return;
        using var _ = no_grad();
        model.Analysis.grad?.narrow(2, learned, bands - learned).zero_();
        model.Synthesis.grad?.narrow(1, learned, bands - learned).zero_();
    }

    /// <summary>The learning rate of step <paramref name="step"/> of <paramref name="totalSteps"/>: constant, or a half cosine from lr to lr/20.</summary>
    public double LearningRateAt(long step, long totalSteps)
    {
        if (!options.CosineSchedule || totalSteps <= 1) return options.LearningRate;
        double floor = options.LearningRate / 20, progress = (double)step / (totalSteps - 1);
        return floor + (options.LearningRate - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    private static void SetLearningRate(optim.Optimizer optimizer, double rate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
    }
}
