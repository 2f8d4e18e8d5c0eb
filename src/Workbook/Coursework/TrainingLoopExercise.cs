using Workbook.Data;
using Workbook.Evaluation;
using Workbook.Networks;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Coursework;

/// <summary>
/// Exercise 4.1: the training loop. The check trains a network with the student's loop for a few epochs on the
/// bundled data's lab split, through a <see cref="ProbedModel"/> that watches every batch, and then measures the
/// losses itself. To keep a check within seconds, the clips are cut to their first quarter second
/// (<see cref="ClipLength"/> samples; the loop cannot tell), and the network is one 40-tap filter that starts as the
/// identity: from there, any loop that really descends the L1 loss ends below the identity after one epoch
/// (measured: 0.0395 against 0.0425 after epoch 1, 0.0377 after 3), where the lab's randomly started CNN needs
/// about 40 steps to get there. Its points come in two groups: "training" (the batches, the order, the gradient step,
/// the loss: the loop trains) and "reporting" (the losses it measures and reports after each epoch).
/// </summary>
public static class TrainingLoopExercise
{
    public const string Id = "4.1";

    /// <summary>Samples kept of each clip for the check's training runs.</summary>
    public const int ClipLength = 4000;

    /// <summary>Pairs the lab holds out for testing.</summary>
    private const int LabTestCount = 50;

    /// <summary>Epochs of the check's main run.</summary>
    public const int Epochs = 3;

    private static readonly Lazy<(PairedClips Train, PairedClips Test)> labSplit = new(() =>
    {
        using var all = BundledDataSet.Load();
        // The lab split: the first 50 pairs of the permutation for testing, as Exercise 4.2 splits.
        long[] order = Expected.SplitOrder(all.Count, TrainingOptions.Lab.Seed);
        return (Shorten(all.Select(order[LabTestCount..])), Shorten(all.Select(order[..LabTestCount])));
    });

    private static PairedClips Shorten(PairedClips clips) =>
        new(clips.Names, clips.Noisy.narrow(2, 0, Math.Min(ClipLength, clips.Length)), clips.Clean.narrow(2, 0, Math.Min(ClipLength, clips.Length)), clips.SampleRate, clips.Source);

    /// <summary>What one run of the student's loop showed.</summary>
    private sealed record Run(ProbedModel Probe, List<EpochLosses>? Reported, int Callbacks, Exception? Failure,
        PairedClips Train, PairedClips Test, TrainingOptions Options);

    public static PropertyChecks Visible(TrainingLoop loop)
    {
        var options = TrainingOptions.Lab with { Epochs = Epochs };
        var run = Train(loop, options);
        var checks = new PropertyChecks();
        int batchesPerEpoch = (run.Train.Count + options.BatchSize - 1) / options.BatchSize;
        checks.Group = "reporting";
        checks.Add($"it returns one entry per epoch (epochs 1 … {options.Epochs}) and calls onEpoch after each", () => Completed(run) ??
            (run.Reported!.Count != options.Epochs ? $"{options.Epochs} epochs gave {run.Reported.Count} entries"
            : !run.Reported.Select(e => e.Epoch).SequenceEqual(Enumerable.Range(1, options.Epochs)) ? $"the epochs are numbered [{string.Join(", ", run.Reported.Select(e => e.Epoch))}], not 1 … {options.Epochs}"
            : run.Callbacks != options.Epochs ? $"onEpoch was called {run.Callbacks} times in {options.Epochs} epochs" : null));
        checks.Group = "training";
        checks.Add($"every epoch uses each of the {run.Train.Count} training pairs once, in batches of {options.BatchSize}", () => Completed(run) ?? BatchProblem(run, batchesPerEpoch));
        checks.Add("the order of the training pairs is shuffled, differently in every epoch", () => Completed(run) ?? ShuffleProblem(run));
        checks.Add("the test pairs are never trained on", () => Completed(run) ??
            (run.Probe.TrainingBatches.Any(b => b.Any(c => c >= run.Train.Count))
                ? "a batch that loss.backward() went through held test pairs: train on the training set only" : null));
        checks.Group = "reporting";
        checks.Add("the losses are measured without gradients (no_grad)", () => Completed(run) ??
            (run.Probe.ForwardsWithoutBackward > 0
                ? $"{run.Probe.ForwardsWithoutBackward} passes through the model recorded gradients that no backward pass used: measure the losses inside using var _ = no_grad(); (without it every evaluation keeps the whole graph in memory)" : null));
        checks.Group = "training";
        checks.Add("the gradients are cleared before each backward pass (optimizer.zero_grad())", () => Completed(run) ??
            (run.Probe.BackwardPasses == 0 ? "loss.backward() was never called"
            : run.Probe.StaleGradients > 0 ? $"in {run.Probe.StaleGradients} of {run.Probe.BackwardPasses} batches the gradient of the previous batch was still there: call optimizer.zero_grad() before loss.backward(), or the gradients add up"
            : null));
        checks.Add("the loss is the mean absolute error (L1)", () => Completed(run) ??
            (run.Probe.MseLike > 0 ? "the gradients are those of the mean squared error: Task 4 trains on the L1 loss (nn.functional.l1_loss)"
            : run.Probe.L1Like < run.Probe.BackwardPasses ? $"only {run.Probe.L1Like} of {run.Probe.BackwardPasses} batches had the gradient of the mean L1 loss between the network's output and the clean clips"
            : null));
        checks.Add($"each step is plain SGD with the options' learning rate ({options.LearningRate}), after loss.backward()", () => Completed(run) ??
            (run.Probe.StepsBeforeBackward > 0 || (run.Probe.UnexpectedSteps.Count > 0 && run.Probe.UnexpectedSteps.All(s => s.Moved == 0))
                ? "optimizer.step() ran before loss.backward(): the step uses the gradients that backward computes, so the order in each batch is zero_grad(), the loss, loss.backward(), then optimizer.step()"
            : run.Probe.UnexpectedSteps.Count == 0 ? null
            : $"{run.Probe.UnexpectedSteps.Count} steps moved the coefficients by something else than −η·gradient (e.g. {run.Probe.UnexpectedSteps[0].Moved:G3} where SGD gives {run.Probe.UnexpectedSteps[0].Expected:G3}); use optim.SGD(model.parameters(), options.LearningRate) and one optimizer.step() per batch"));
        checks.Group = "reporting";
        checks.Add("the reported train and test losses are the L1 losses after each epoch", () => Completed(run) ?? ReportedLossProblem(run));
        checks.Group = "training";
        checks.Add("after the run the test L1 is below doing nothing (the identity)", () =>
        {
            if (Completed(run) is string problem) return problem;
            double identity = IdentityL1(run.Test);
            double reached = Losses(run.Probe, run.Test).L1;
            return reached < identity ? null : $"after {options.Epochs} epochs the test L1 is {reached:F5}, not below the identity's {identity:F5}";
        });
        return checks;
    }

    public static PropertyChecks Hidden(TrainingLoop loop)
    {
        var checks = new PropertyChecks();
        var run = Train(loop, TrainingOptions.Lab with { Epochs = 2 });
        checks.Group = "training";
        checks.Add("the order of the training pairs is shuffled, differently in every epoch", () => Completed(run) ?? ShuffleProblem(run));
        var other = TrainingOptions.Lab with { Epochs = 1, BatchSize = 50, LearningRate = 0.3 };
        var second = Train(loop, other);
        checks.Add("the batch size and learning rate come from the options (here 50 and 0.3)", () =>
            Completed(second) ?? BatchProblem(second, (second.Train.Count + 49) / 50)
            ?? (second.Probe.UnexpectedSteps.Count == 0 ? null : "the steps do not match SGD with the options' learning rate 0.3"));
        return checks;
    }

    private static Run Train(TrainingLoop loop, TrainingOptions options)
    {
        var (train, test) = labSplit.Value;
        var network = new IdentityStartFilter(40);
        var probe = new ProbedModel(network, cat(new[] { train.Noisy, test.Noisy }), cat(new[] { train.Clean, test.Clean }))
        {
            LearningRate = options.LearningRate,
        };
        int callbacks = 0;
        var pause = CollectorPause.Begin();   // the student's loop calls libtorch as the trainers do: see CollectorPause
        try
        {
            var reported = loop(probe, train, test, options, _ => callbacks++);
            return new Run(probe, reported, callbacks, null, train, test, options);
        }
        catch (Exception e)
        {
            return new Run(probe, null, callbacks, e, train, test, options);
        }
        finally
        {
            pause.End();
            // The loop's autograd nodes hold native memory until they are finalised.
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    /// <summary>Null when the run finished and returned a list; rethrows a stub's NotImplementedException so the report says so.</summary>
    private static string? Completed(Run run)
    {
        if (run.Failure is NotImplementedException stub) throw stub;
        if (run.Failure != null) return $"the training run failed: {PlainError.Explain(run.Failure)}";
        if (run.Probe.ObservationFailure != null) return $"the check could not follow the backward pass: {run.Probe.ObservationFailure}";
        return run.Reported == null ? "the loop returned null instead of the list of epochs" : null;
    }

    /// <summary>Names a first epoch in stored order, or two epochs in the same order.</summary>
    private static string? ShuffleProblem(Run run)
    {
        var epochs = run.Probe.TrainingBatches.SelectMany(b => b).Chunk(run.Train.Count).ToList();
        if (epochs.Count < 2) return $"{epochs.Count} epochs of training batches were seen";
        if (epochs[0].SequenceEqual(Enumerable.Range(0, run.Train.Count))) return "the first epoch visits the pairs in their stored order: shuffle them";
        return epochs[0].SequenceEqual(epochs[1]) ? "two epochs visit the pairs in the same order: shuffle again every epoch" : null;
    }

    private static int BatchesPerEpoch(Run run) => (run.Train.Count + run.Options.BatchSize - 1) / run.Options.BatchSize;

    /// <summary>The mean L1 and MSE of the model's output over all of <paramref name="clips"/>, without gradients.</summary>
    private static (double L1, double Mse) Losses(nn.Module<Tensor, Tensor> model, PairedClips clips)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var output = model.call(clips.Noisy);
        return (nn.functional.l1_loss(output, clips.Clean).item<float>(), nn.functional.mse_loss(output, clips.Clean).item<float>());
    }

    /// <summary>The L1 of doing nothing: the noisy clips themselves as the estimate.</summary>
    private static double IdentityL1(PairedClips clips)
    {
        using var scope = NewDisposeScope();
        return nn.functional.l1_loss(clips.Noisy, clips.Clean).item<float>();
    }

    /// <summary>The handout's way: the mean of each batch's mean L1, batches in stored order.</summary>
    private static double BatchMeanL1(nn.Module<Tensor, Tensor> model, PairedClips clips, int batchSize)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var means = new List<double>();
        for (long start = 0; start < clips.Count; start += batchSize)
        {
            long length = Math.Min(batchSize, clips.Count - start);
            means.Add(nn.functional.l1_loss(model.call(clips.Noisy.narrow(0, start, length)), clips.Clean.narrow(0, start, length)).item<float>());
        }
        return means.Average();
    }

    /// <summary>
    /// The network the check trains: one causal filter of <c>taps</c> taps that starts as the identity (y = x). It is
    /// TorchSharp's conv1d over a flipped copy of the taps, so the backward pass keeps no reference to the taps
    /// themselves: a loop that calls optimizer.step() before loss.backward() then trains wrongly (and is told so)
    /// instead of failing inside libtorch's backward pass.
    /// </summary>
    private sealed class IdentityStartFilter : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Parameter taps;

        public IdentityStartFilter(long count) : base(nameof(IdentityStartFilter))
        {
            var identity = zeros(count);
            identity[0] = tensor(1f);
            taps = nn.Parameter(identity);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            long k = taps.shape[0];
            var padded = nn.functional.pad(input, new long[] { k - 1, 0 });
            return nn.functional.conv1d(padded, taps.flip(0).view(1, 1, k));
        }
    }

    private static string? BatchProblem(Run run, int batchesPerEpoch)
    {
        var batches = run.Probe.TrainingBatches;
        if (run.Probe.UnknownClips > 0) return "the network was given clips that are not the training pairs as they are (pass train.Noisy's rows, unchanged)";
        if (batches.Count != batchesPerEpoch * run.Options.Epochs)
            return $"{batches.Count} training batches in {run.Options.Epochs} epochs; with {run.Train.Count} pairs in batches of {run.Options.BatchSize} there are {batchesPerEpoch} per epoch";
        for (int epoch = 0; epoch < run.Options.Epochs; epoch++)
        {
            var epochBatches = batches.Skip(epoch * batchesPerEpoch).Take(batchesPerEpoch).ToList();
            var sizes = epochBatches.Select(b => b.Length).ToList();
            if (sizes.Take(sizes.Count - 1).Any(s => s != run.Options.BatchSize))
                return $"epoch {epoch + 1} has batches of [{string.Join(", ", sizes)}] pairs; all but the last should hold {run.Options.BatchSize}";
            var seen = epochBatches.SelectMany(b => b).Order().ToList();
            if (!seen.SequenceEqual(Enumerable.Range(0, run.Train.Count)))
                return $"epoch {epoch + 1} used {seen.Distinct().Count()} different training pairs, some more than once: visit each pair exactly once per epoch";
        }
        return null;
    }

    private static string? ReportedLossProblem(Run run)
    {
        var last = run.Reported![^1];
        var (trainL1, trainMse) = Losses(run.Probe, run.Train);
        var (testL1, testMse) = Losses(run.Probe, run.Test);
        bool Close(double a, double b) => Math.Abs(a - b) <= 1e-3 * Math.Abs(b) + 1e-7;
        if (Close(last.TestL1, testMse) || Close(last.TrainL1, trainMse))
            return "the reported loss is the mean squared error (the handout's evaluate does this): report the mean absolute error, L1";
        if (Close(last.TrainL1, testL1) && Close(last.TestL1, trainL1)) return "the train and test losses are swapped";
        if (!Close(last.TrainL1, trainL1) && run.Probe.TrainingBatchL1.Count >= BatchesPerEpoch(run)
            && Close(last.TrainL1, run.Probe.TrainingBatchL1.TakeLast(BatchesPerEpoch(run)).Average()))
            return "the reported train loss is the average of the batch losses during the epoch (as the handout's evaluate averages batch means), " +
                   "taken while the model was still changing: measure it after the epoch with the trained model, over all training pairs at once";
        if ((!Close(last.TestL1, testL1) && Close(last.TestL1, BatchMeanL1(run.Probe, run.Test, run.Options.BatchSize)))
            || (!Close(last.TrainL1, trainL1) && Close(last.TrainL1, BatchMeanL1(run.Probe, run.Train, run.Options.BatchSize))))
            return "the reported loss is the average of per-batch means (as the handout's evaluate computes it): with a smaller last batch that is not " +
                   "the mean over all pairs; take the mean absolute error over all pairs at once";
        if (!Close(last.TestL1, testL1)) return $"the last epoch reports test L1 {last.TestL1:F5}, but the trained model's test L1 is {testL1:F5}: measure it after the epoch, over all test pairs";
        if (!Close(last.TrainL1, trainL1)) return $"the last epoch reports train L1 {last.TrainL1:F5}, but the trained model's train L1 is {trainL1:F5}: measure it after the epoch, over all training pairs, without gradients";
        return null;
    }
}
