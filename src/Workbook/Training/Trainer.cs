using System.Diagnostics;
using TorchSharp;
using Workbook.Data;
using Workbook.Networks;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Training;

/// <summary>
/// Trains a network (a <see cref="MimoCnn"/>, or any <c>nn.Module&lt;Tensor, Tensor&gt;</c>) to map noisy clips to clean ones with SGD on the L1 loss, evaluating the
/// train and test losses after each epoch (the lab's Task 4 loop, without its needless work: the data stay
/// one contiguous tensor and a batch is one <c>index_select</c>; evaluation runs without gradients).
/// </summary>
public sealed class Trainer
{
    /// <summary>Clips per forward pass when evaluating; bounds the memory of evaluation.</summary>
    private const int EvaluationChunk = 50;

    private readonly TrainingOptions options;

    public Trainer(TrainingOptions options)
    {
        options.Validate();
        this.options = options;
    }

    /// <summary>
    /// Builds a network from <paramref name="specification"/> with coefficients drawn from the options' seed and trains it.
    /// </summary>
    public (MimoCnn Model, TrainingHistory History) Train(
        CnnSpecification specification, PairedClips train, PairedClips test,
        Action<EpochResult>? onEpoch = null, CancellationToken cancellation = default)
    {
        manual_seed(options.Seed);
        var model = new MimoCnn(specification);
        var history = Fit(model, train, test, onEpoch, cancellation);
        return (model, history);
    }

    /// <summary>
    /// Trains <paramref name="model"/> in place for the configured epochs. After each epoch, the train and test
    /// L1 and MSE are measured and reported to <paramref name="onEpoch"/>. The run diverges, stops and says why
    /// (<see cref="TrainingHistory.Diverged"/>) when a loss becomes NaN or infinite (the history keeps the epochs
    /// before it), or when the test L1 stays above <see cref="TrainingOptions.DivergenceFactor"/> times the
    /// identity's for <see cref="TrainingOptions.DivergencePatience"/> epochs in a row or at the last epoch (the
    /// history keeps those epochs too): a huge learning rate gives finite but useless losses, not only NaN.
    /// </summary>
    /// <param name="train">training pairs, <c>[Q, F0, N]</c> in and <c>[Q, FL, N]</c> out</param>
    /// <param name="test">test pairs, evaluated after every epoch</param>
    public TrainingHistory Fit(nn.Module<Tensor, Tensor> model, PairedClips train, PairedClips test,
        Action<EpochResult>? onEpoch = null, CancellationToken cancellation = default)
    {
        if (train.Count == 0) throw new ArgumentException("there are no training clips");
        var device = options.ResolveDevice();
        model.to(device);
        using var trainNoisy = train.Noisy.to(device);
        using var trainClean = train.Clean.to(device);
        using var testNoisy = test.Noisy.to(device);
        using var testClean = test.Clean.to(device);
        using var optimizer = optim.SGD(model.parameters(), options.LearningRate);
        var batches = new Batches(train.Count, options.BatchSize, options.Seed);
        using var run = new EpochBookkeeping(options.Threads, options.LearningRate);
        double identityL1 = IdentityL1(testNoisy, testClean);
        int epochsFarAbove = 0;

        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            model.train();
            foreach (var batch in batches.NextEpoch())
            {
                run.Step(batch.Length, () =>
                {
                    using var scope = NewDisposeScope();
                    using var index = tensor(batch, device: device);
                    optimizer.zero_grad();
                    var loss = nn.functional.l1_loss(model.call(trainNoisy.index_select(0, index)), trainClean.index_select(0, index));
                    loss.backward();
                    optimizer.step();
                });
            }
            run.ReleaseAutogradNodes();
            var (trainL1, trainMse) = Evaluate(model, trainNoisy, trainClean);
            var (testL1, testMse) = Evaluate(model, testNoisy, testClean);
            if (!run.EndEpoch(new EpochResult(epoch, trainL1, testL1, trainMse, testMse, clock.Elapsed), onEpoch)) break;
            // identityL1 is 0 only for test pairs whose noisy and clean clips are equal: no scale to compare with.
            epochsFarAbove = identityL1 > 0 && testL1 > options.DivergenceFactor * identityL1 ? epochsFarAbove + 1 : 0;
            if (epochsFarAbove >= options.DivergencePatience || (epochsFarAbove > 0 && epoch == options.Epochs))
            {
                run.History.Stop(DivergenceMessage(epoch, testL1, identityL1, epochsFarAbove, options), diverged: true);
                break;
            }
        }
        return run.Finish();
    }

    /// <summary>Why the run stopped, in invariant culture so the figures read the same everywhere.</summary>
    private static string DivergenceMessage(int epoch, double testL1, double identityL1, int epochsFarAbove, TrainingOptions options) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"training diverged at epoch {epoch}: test_l1 {testL1:G4} has stayed above {options.DivergenceFactor:G3} x the identity's {identityL1:F6} " +
            $"for {epochsFarAbove} epoch{(epochsFarAbove == 1 ? "" : "s")} (learning rate {options.LearningRate}); try a smaller learning rate");

    /// <summary>The test L1 of doing nothing (output = noisy input): the scale the divergence rule measures against.</summary>
    private static double IdentityL1(Tensor noisy, Tensor clean)
    {
        var sums = new ErrorSums();
        if (noisy.shape[1] == clean.shape[1]) sums.Add(noisy, clean);
        return noisy.shape[1] == clean.shape[1] ? sums.MeanAbsolute : 0;
    }

    /// <summary>Mean L1 and MSE of the model's output against the targets, computed without gradients in chunks.</summary>
    public static (double L1, double Mse) Evaluate(nn.Module<Tensor, Tensor> model, Tensor noisy, Tensor clean)
    {
        bool wasTraining = model.training;
        model.eval();
        var sums = new ErrorSums();
        using (no_grad())
        {
            for (long start = 0; start < noisy.shape[0]; start += EvaluationChunk)
            {
                using var scope = NewDisposeScope();
                long length = Math.Min(EvaluationChunk, noisy.shape[0] - start);
                sums.Add(model.call(noisy.narrow(0, start, length)), clean.narrow(0, start, length));
            }
        }
        if (wasTraining) model.train();
        return (sums.MeanAbsolute, sums.MeanSquared);
    }
}
