using Workbook.Data;
using Workbook.Networks;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Tests.Training;

/// <summary>The rules a training run follows: which options it takes, how it measures, when it stops, what it reports.</summary>
public class TrainingRulesTests
{
    [Fact]
    public void The_defaults_are_the_labs_task_4()
    {
        var lab = TrainingOptions.Lab;
        Assert.Equal((20, 0.5, 32, 1, "cpu"), (lab.Epochs, lab.LearningRate, lab.BatchSize, lab.Seed, lab.Device));
        Assert.Null(lab.Threads);
        Assert.Equal((10.0, 3), (lab.DivergenceFactor, lab.DivergencePatience));
    }

    [Theory]
    [InlineData("epochs must be at least 1, not 0")]
    [InlineData("the learning rate must be a positive number, not 0")]
    [InlineData("the learning rate must be a positive number, not -0.1")]
    [InlineData("the learning rate must be a positive number, not Infinity")]
    [InlineData("the batch size must be at least 1, not 0")]
    [InlineData("the divergence factor must be above 1, not 1")]
    [InlineData("the divergence patience must be at least 1, not 0")]
    [InlineData("the thread count must be at least 1, not 0")]
    public void Each_nonsense_option_is_named(string message)
    {
        var options = message switch
        {
            _ when message.StartsWith("epochs") => new TrainingOptions { Epochs = 0 },
            _ when message.EndsWith("not 0") && message.Contains("learning") => new TrainingOptions { LearningRate = 0 },
            _ when message.EndsWith("-0.1") => new TrainingOptions { LearningRate = -0.1 },
            _ when message.EndsWith("Infinity") => new TrainingOptions { LearningRate = double.PositiveInfinity },
            _ when message.Contains("batch") => new TrainingOptions { BatchSize = 0 },
            _ when message.Contains("factor") => new TrainingOptions { DivergenceFactor = 1 },
            _ when message.Contains("patience") => new TrainingOptions { DivergencePatience = 0 },
            _ => new TrainingOptions { Threads = 0 },
        };
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
        try { Assert.Equal(message, Assert.Throws<ArgumentException>(options.Validate).Message); }
        finally { System.Globalization.CultureInfo.CurrentCulture = culture; }
    }

    [Fact]
    public void The_smallest_sensible_options_are_accepted()
    {
        new TrainingOptions { Epochs = 1, LearningRate = double.Epsilon, BatchSize = 1, DivergenceFactor = 1.0001, DivergencePatience = 1, Threads = 1 }.Validate();
    }

    [Fact]
    public void Evaluation_is_the_mean_error_over_every_clip_in_chunks_and_restores_the_training_mode()
    {
        // 120 clips: chunks of 50, 50 and 20; the means must be those of all 120 at once.
        manual_seed(8);
        using var cnn = new MimoCnn(new CnnSpecification(new long[] { 3 }, new long[] { 1, 1 }));
        var noisy = randn(120, 1, 30);
        var clean = randn(120, 1, 30);
        Tensor output;
        using (no_grad()) output = cnn.call(noisy);
        var error = (output - clean).to(float64);
        cnn.train();
        var (l1, mse) = Trainer.Evaluate(cnn, noisy, clean);
        Assert.Equal(error.abs().mean().item<double>(), l1, 9);
        Assert.Equal(error.square().mean().item<double>(), mse, 9);
        Assert.True(cnn.training);
        cnn.eval();
        Trainer.Evaluate(cnn, noisy, clean);
        Assert.False(cnn.training);
    }

    [Fact]
    public void Each_epoch_reports_the_losses_measured_after_it()
    {
        using var train = SyntheticPairs.LowPassPlusWhiteNoise(12, 120, seed: 1);
        using var test = SyntheticPairs.LowPassPlusWhiteNoise(6, 120, seed: 2);
        using var model = new MimoCnn(new CnnSpecification(new long[] { 4 }, new long[] { 1, 1 }));
        var measured = new List<(double, double, double, double)>();
        void Measure(EpochResult e)
        {
            var (trainL1, trainMse) = Trainer.Evaluate(model, train.Noisy, train.Clean);
            var (testL1, testMse) = Trainer.Evaluate(model, test.Noisy, test.Clean);
            measured.Add((trainL1, testL1, trainMse, testMse));
        }
        var history = new Trainer(new TrainingOptions { Epochs = 3, BatchSize = 5, Threads = 1 }).Fit(model, train, test, Measure);
        Assert.Equal(new[] { 1, 2, 3 }, history.Epochs.Select(e => e.Epoch));
        Assert.Equal(measured, history.Epochs.Select(e => (e.TrainL1, e.TestL1, e.TrainMse, e.TestMse)));
        Assert.Same(history.Epochs[^1], history.Final);
        Assert.Null(history.StopReason);
        Assert.False(history.Diverged);
    }

    [Fact]
    public void A_run_without_training_clips_is_refused()
    {
        using var empty = new PairedClips(Array.Empty<string>(), zeros(0, 1, 10), zeros(0, 1, 10), 16000, "empty");
        using var test = SyntheticPairs.LowPassPlusWhiteNoise(2, 10, seed: 2);
        using var model = new MimoCnn(new CnnSpecification(new long[] { 2 }, new long[] { 1, 1 }));
        Assert.Contains("no training clips", Assert.Throws<ArgumentException>(() => new Trainer(TrainingOptions.Lab).Fit(model, empty, test)).Message);
    }

    [Fact]
    public void A_cancelled_run_stops_before_its_next_epoch()
    {
        using var train = SyntheticPairs.LowPassPlusWhiteNoise(8, 60, seed: 1);
        using var test = SyntheticPairs.LowPassPlusWhiteNoise(2, 60, seed: 2);
        using var model = new MimoCnn(new CnnSpecification(new long[] { 2 }, new long[] { 1, 1 }));
        using var cancellation = new CancellationTokenSource();
        var seen = new List<int>();
        void CancelAfterTwo(EpochResult e) { seen.Add(e.Epoch); if (e.Epoch == 2) cancellation.Cancel(); }
        Assert.Throws<OperationCanceledException>(() =>
            new Trainer(new TrainingOptions { Epochs = 5, BatchSize = 4, Threads = 1 }).Fit(model, train, test, CancelAfterTwo, cancellation.Token));
        Assert.Equal(new[] { 1, 2 }, seen);
    }

    [Fact]
    public void A_single_far_above_epoch_that_recovers_is_not_divergence()
    {
        // Patience 2: far above at epoch 1 only (the poisoned scale is repaired after it), so the run completes.
        using var train = SyntheticPairs.LowPassPlusWhiteNoise(8, 100, seed: 1);
        using var test = SyntheticPairs.LowPassPlusWhiteNoise(4, 100, seed: 2);
        using var model = new MimoCnn(new CnnSpecification(new long[] { 3 }, new long[] { 1, 1 }));
        Tensor good;
        using (no_grad()) { good = model.Layers[0].H.detach().clone(); model.Layers[0].H.mul_(1000); }
        void Repair(EpochResult e) { if (e.Epoch == 1) using (no_grad()) model.Layers[0].H.copy_(good); }
        var history = new Trainer(new TrainingOptions { Epochs = 3, BatchSize = 4, LearningRate = 1e-9, DivergencePatience = 2, Threads = 1 })
            .Fit(model, train, test, Repair);
        Assert.Null(history.StopReason);
        Assert.Equal(3, history.Epochs.Count);
        Assert.True(history.Epochs[0].TestL1 > 10 * history.Epochs[1].TestL1);
    }

    [Fact]
    public void One_far_above_epoch_is_named_in_the_singular()
    {
        using var train = SyntheticPairs.LowPassPlusWhiteNoise(8, 100, seed: 1);
        using var test = SyntheticPairs.LowPassPlusWhiteNoise(4, 100, seed: 2);
        using var model = new MimoCnn(new CnnSpecification(new long[] { 3 }, new long[] { 1, 1 }));
        using (no_grad()) model.Layers[0].H.mul_(1000);
        var history = new Trainer(new TrainingOptions { Epochs = 1, BatchSize = 4, LearningRate = 1e-12, Threads = 1 }).Fit(model, train, test);
        Assert.True(history.Diverged);
        Assert.Contains("for 1 epoch (", history.StopReason);
    }

    [Fact]
    public void An_infinite_loss_is_named_infinite_and_a_nan_loss_nan()
    {
        using var train = SyntheticPairs.LowPassPlusWhiteNoise(8, 100, seed: 1);
        using var test = SyntheticPairs.LowPassPlusWhiteNoise(4, 100, seed: 2);
        // The largest float32 as the only tap overflows every output above 1 in size to infinity (conv1d multiplies
        // directly; a spectral path would mix infinities into NaN); the gradient, sign(error)·x, stays finite.
        foreach (var (poison, word) in new[] { (float.MaxValue, "infinite"), (float.NaN, "NaN") })
        {
            using var model = new MimoCnn(new CnnSpecification(new long[] { 1 }, new long[] { 1, 1 })) { Algorithm = Workbook.Fast.ConvolutionAlgorithm.Direct };
            void Poison(EpochResult e) { if (e.Epoch == 1) using (no_grad()) model.Layers[0].H.fill_(poison); }
            var history = new Trainer(new TrainingOptions { Epochs = 3, BatchSize = 8, LearningRate = 1e-12, Threads = 1 }).Fit(model, train, test, Poison);
            Assert.True(history.Diverged, word);
            Assert.StartsWith($"training diverged at epoch 2: the loss became {word} ", history.StopReason);
        }
    }

    [Fact]
    public void Divergence_is_not_judged_when_the_noisy_and_clean_clips_are_equal()
    {
        // The identity's L1 is 0 there: no scale to compare with, so a poor model is not called divergent.
        using var pairs = SyntheticPairs.LowPassPlusWhiteNoise(8, 100, seed: 1);
        using var same = new PairedClips(pairs.Names, pairs.Clean, pairs.Clean, 16000, "same");
        using var model = new MimoCnn(new CnnSpecification(new long[] { 3 }, new long[] { 1, 1 }));
        using (no_grad()) model.Layers[0].H.mul_(1000);
        var history = new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 4, LearningRate = 1e-12, Threads = 1 }).Fit(model, same, same);
        Assert.Null(history.StopReason);
    }

    [Fact]
    public void An_empty_history_has_no_final_epoch_and_only_the_csv_header()
    {
        var history = new TrainingHistory();
        Assert.Null(history.Final);
        Assert.Equal(TrainingHistory.CsvHeader + "\n", history.ToCsv());
        history.Stop("stopped", diverged: false);
        Assert.Equal("stopped", history.StopReason);
        Assert.False(history.Diverged);
    }
}
