using Workbook.Networks;
using Workbook.Signals;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Tests.Training;

public class TrainerTests
{
    internal static readonly CnnSpecification Small = new(new long[] { 8, 8 }, new long[] { 1, 3, 1 });

    [Fact]
    public void A_short_run_lowers_the_loss_below_the_identity()
    {
        using var train = SyntheticPairs.LowPassPlusWhiteNoise(40, 400, seed: 1);
        using var test = SyntheticPairs.LowPassPlusWhiteNoise(10, 400, seed: 2);
        var trainer = new Trainer(new TrainingOptions { Epochs = 8, LearningRate = 0.5, BatchSize = 8, Seed = 3 });
        var reported = new List<EpochResult>();
        var (model, history) = trainer.Train(Small, train, test, reported.Add);
        using var _ = model;
        Assert.Null(history.StopReason);
        Assert.Equal(8, history.Epochs.Count);
        Assert.Equal(history.Epochs, reported);
        double identity = (test.Noisy - test.Clean).abs().mean().item<float>();
        Assert.True(history.Final!.TestL1 < history.Epochs[0].TestL1, "test L1 did not fall");
        Assert.True(history.Final.TestL1 < 0.8 * identity, $"test L1 {history.Final.TestL1} not below the identity's {identity}");
    }

    [Fact]
    public void A_diverging_run_stops_with_a_clear_message_and_keeps_its_history()
    {
        using var train = SyntheticPairs.LowPassPlusWhiteNoise(16, 200, seed: 1);
        using var test = SyntheticPairs.LowPassPlusWhiteNoise(4, 200, seed: 2);
        using var model = new MimoCnn(Small);
        // After epoch 2 a coefficient becomes NaN, as an overflowing run's would: epoch 3 must stop the run.
        void Poison(EpochResult e)
        {
            if (e.Epoch == 2) using (no_grad()) model.Layers[0].H[0, 0, 0] = tensor(float.NaN);
        }
        var history = new Trainer(new TrainingOptions { Epochs = 10, BatchSize = 4 }).Fit(model, train, test, Poison);
        Assert.True(history.Diverged);
        Assert.Contains("diverged at epoch 3", history.StopReason);
        Assert.Contains("smaller learning rate", history.StopReason);
        Assert.Equal(new[] { 1, 2 }, history.Epochs.Select(e => e.Epoch));
        Assert.All(history.Epochs, e => Assert.True(double.IsFinite(e.TrainL1)));
    }

    [Theory]
    [InlineData(10, 3)]   // stays far above for the patience: stops at epoch 3
    [InlineData(2, 2)]    // far above at the last epoch: diverged too
    public void A_run_whose_test_loss_stays_far_above_the_identitys_has_diverged(int epochs, int stoppedAt)
    {
        using var train = SyntheticPairs.LowPassPlusWhiteNoise(16, 200, seed: 1);
        using var test = SyntheticPairs.LowPassPlusWhiteNoise(4, 200, seed: 2);
        using var model = new MimoCnn(Small);
        // Finite but useless: a last layer 1000 times too large, and a learning rate too small to repair it.
        using (no_grad()) model.Layers[^1].H.mul_(1000);
        var history = new Trainer(new TrainingOptions { Epochs = epochs, BatchSize = 4, LearningRate = 1e-12 }).Fit(model, train, test);
        Assert.True(history.Diverged);
        Assert.Contains($"diverged at epoch {stoppedAt}", history.StopReason);
        Assert.Contains("x the identity's", history.StopReason);
        Assert.Equal(stoppedAt, history.Epochs.Count);
        Assert.All(history.Epochs, e => Assert.True(double.IsFinite(e.TestL1)));
    }

    [Fact]
    public void History_is_written_as_csv_with_named_columns()
    {
        var history = new TrainingHistory();
        history.Add(new EpochResult(1, 0.5, 0.25, 0.125, 0.0625, TimeSpan.Zero));
        Assert.Equal("epoch,train_l1,test_l1,train_mse,test_mse\n1,0.5,0.25,0.125,0.0625\n", history.ToCsv());
    }

    [Fact]
    public void Nonsense_options_are_refused()
    {
        Assert.Contains("epochs", Assert.Throws<ArgumentException>(() => new Trainer(new TrainingOptions { Epochs = 0 })).Message);
        Assert.Contains("learning rate", Assert.Throws<ArgumentException>(() => new Trainer(new TrainingOptions { LearningRate = double.NaN })).Message);
        Assert.Contains("batch size", Assert.Throws<ArgumentException>(() => new Trainer(new TrainingOptions { BatchSize = 0 })).Message);
        Assert.Contains("unknown device", Assert.Throws<ArgumentException>(() => new TrainingOptions { Device = "toaster" }.ResolveDevice()).Message);
    }
}

public class FastAndReferenceTrainingTests
{
    [Fact]
    public void Training_with_the_fast_algorithms_ends_at_the_reference_losses()
    {
        // The lab's network and hyper-parameters on shorter clips: the shift-register definition against Auto
        // (the vector loops, forward and backward, for these float32 tensors) and the other fast paths.
        using var train = SyntheticPairs.LowPassPlusWhiteNoise(24, 1200, seed: 1);
        using var test = SyntheticPairs.LowPassPlusWhiteNoise(8, 1200, seed: 2);
        var options = TrainingOptions.Lab with { Epochs = 3, BatchSize = 8, Threads = 1 };
        // Every run starts from one set of coefficients, copied: xunit runs test classes side by side, and a draw
        // another test makes from libtorch's global generator between a manual_seed and a network's construction
        // would start one run elsewhere.
        manual_seed(7);
        using var initial = new MimoCnn(CnnSpecification.LabDenoiser);
        EpochResult Final(ConvolutionAlgorithm algorithm)
        {
            using var model = new MimoCnn(CnnSpecification.LabDenoiser) { Algorithm = algorithm };
            using (no_grad())
                foreach (var (coefficients, start) in model.parameters().Zip(initial.parameters()))
                    coefficients.copy_(start);
            return new Trainer(options).Fit(model, train, test).Final!;
        }
        var reference = Final(ConvolutionAlgorithm.ShiftRegister);
        foreach (var algorithm in new[] { ConvolutionAlgorithm.Auto, ConvolutionAlgorithm.Simd, ConvolutionAlgorithm.Fft, ConvolutionAlgorithm.OverlapSave, ConvolutionAlgorithm.Blocked, ConvolutionAlgorithm.Direct })
        {
            var fast = Final(algorithm);
            Assert.True(Math.Abs(fast.TestL1 - reference.TestL1) <= 0.01 * reference.TestL1, $"{algorithm}: test L1 {fast.TestL1} vs reference {reference.TestL1}");
            Assert.True(Math.Abs(fast.TrainL1 - reference.TrainL1) <= 0.01 * reference.TrainL1, $"{algorithm}: train L1 {fast.TrainL1} vs reference {reference.TrainL1}");
        }
    }
}

public class TrainingArithmeticTests
{
    [Fact]
    public void The_labs_epoch_is_counted_by_hand()
    {
        // Per sample: layer 1 (40·1·5 = 200 multiply-adds) forward and to its taps; layer 2 (40·5·1 = 200) forward, to
        // its taps and to its input: 1000 per training clip; 400 per clip evaluated (250 train + 50 test).
        double expected = 2.0 * 16000 * (250 * 1000 + 300 * 400);
        Assert.Equal(11.84e9, expected, 1e-3);
        Assert.Equal(expected, TrainingArithmetic.FlopsPerEpoch(CnnSpecification.LabDenoiser, 250, 50, 16000));
    }

    [Fact]
    public void A_single_layer_has_no_gradient_to_its_input()
    {
        var oneLayer = new CnnSpecification(new long[] { 3 }, new long[] { 2, 4 });
        // 3·2·4 = 24 multiply-adds a sample: forward and taps for 1 training clip, forward for 1 + 1 evaluated.
        Assert.Equal(2.0 * 10 * (1 * 48 + 2 * 24), TrainingArithmetic.FlopsPerEpoch(oneLayer, 1, 1, 10));
    }
}

/// <summary>Runs that seed libtorch's global generator: alone, so that no test beside them draws from it between the seed and the network.</summary>
[Collection(GlobalGeneratorCollection.Name)]
public class TrainerSeedTests
{
    [Fact]
    public void The_same_seed_gives_the_same_run()
    {
        using var train = SyntheticPairs.LowPassPlusWhiteNoise(20, 200, seed: 1);
        using var test = SyntheticPairs.LowPassPlusWhiteNoise(5, 200, seed: 2);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 6, Seed = 9 };
        var first = new Trainer(options).Train(TrainerTests.Small, train, test);
        var second = new Trainer(options).Train(TrainerTests.Small, train, test);
        var third = new Trainer(options with { Seed = 10 }).Train(TrainerTests.Small, train, test);
        // Equal up to float32 rounding: a different thread count may sum in a different order.
        foreach (var (a, b) in first.History.Epochs.Zip(second.History.Epochs))
            Assert.True(Math.Abs(a.TestL1 - b.TestL1) <= 1e-5 * a.TestL1, $"epoch {a.Epoch}: {a.TestL1} vs {b.TestL1}");
        var differentSeed = first.History.Epochs.Zip(third.History.Epochs).Max(p => Math.Abs(p.First.TestL1 - p.Second.TestL1) / p.First.TestL1);
        Assert.True(differentSeed > 1e-3, $"another seed changed the test L1 by only {differentSeed:E1}");
    }
}
