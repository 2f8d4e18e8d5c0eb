using System.Runtime;
using TorchSharp;
using Workbook.Evaluation;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Fast;
using Workbook.FilterBank;

namespace Workbook.Tests.Fast;

/// <summary>
/// <see cref="CollectorPause"/> and where the workbook uses it. The race it prevents (a finalizer freeing a Scalar that
/// libtorch is reading) is not reproduced here (docs/performance.md describes it): a test that waits for a
/// one-in-a-hundred-thousand failure proves nothing when it passes. These tests check the mechanism instead: inside a
/// pause no collection runs while another thread allocates, and the trainers hold one over every step and evaluation.
/// The no-GC region is one per process, so they run alone.
/// </summary>
[Collection(CollectorPauseCollection.Name)]
public class CollectorPauseTests
{
    [Fact]
    public void Inside_a_pause_another_threads_allocations_start_no_collection()
    {
        using var pause = CollectorPause.Begin();
        Assert.True(pause.Holding);
        int before = GC.CollectionCount(0);
        var allocator = new Thread(() => Allocate(64 << 20));
        allocator.Start();
        allocator.Join();
        Assert.Equal(before, GC.CollectionCount(0));
        Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        pause.End();
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        Assert.False(pause.Holding);
        pause.End();   // a second End does nothing
    }

    [Fact]
    public void A_pause_inside_another_does_nothing_and_leaves_the_outer_one_holding()
    {
        using var outer = CollectorPause.Begin();
        using (var inner = CollectorPause.Begin())
            Assert.False(inner.Holding);
        Assert.True(outer.Holding);
        Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void A_pause_whose_budget_runs_out_ends_by_itself_and_End_is_quiet()
    {
        var pause = CollectorPause.Begin();
        int before = GC.CollectionCount(0);
        Allocate(CollectorPause.Budget + (64 << 20));
        Assert.True(GC.CollectionCount(0) > before, "the runtime collects once the budget is spent");
        Assert.False(pause.Holding);
        pause.End();
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void The_lab_trainer_holds_the_collector_off_over_every_step_and_evaluation_and_lets_go_after()
    {
        var (train, test) = (SyntheticPairs.LowPassPlusWhiteNoise(8, 256, seed: 1), SyntheticPairs.LowPassPlusWhiteNoise(4, 256, seed: 2));
        using var model = new ModeRecorder();
        var callbackModes = new List<GCLatencyMode>();
        var history = new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 4, Threads = 1 }).Fit(model, train, test,
            _ => callbackModes.Add(GCSettings.LatencyMode));
        Assert.Equal(2, history.Epochs.Count);
        Assert.Equal(2, callbackModes.Count);
        Assert.All(callbackModes, mode => Assert.NotEqual(GCLatencyMode.NoGCRegion, mode));
        // per epoch: 2 training steps, then the train and test evaluations
        Assert.Equal(2 * (2 + 2), model.Modes.Count);
        Assert.All(model.Modes, mode => Assert.Equal(GCLatencyMode.NoGCRegion, mode));
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void The_improved_recipe_holds_the_collector_off_over_its_steps_and_lets_go_after()
    {
        var (train, test) = (SyntheticPairs.LowPassPlusWhiteNoise(8, 2048, seed: 1), SyntheticPairs.LowPassPlusWhiteNoise(4, 2048, seed: 2));
        var modes = new List<GCLatencyMode>();
        var options = FilterBankTrainingOptions.Default with { Epochs = 2, BatchSize = 4, CropLength = 0, Threads = 1 };
        var (model, history) = new FilterBankRecipe(options).Train(train, test,
            onEpoch: _ => modes.Add(GCSettings.LatencyMode));
        model.Dispose();
        Assert.Equal(2, history.Epochs.Count);
        // The epoch's callback runs after the pause ends (a chart redraw there may allocate freely).
        Assert.All(modes, mode => Assert.NotEqual(GCLatencyMode.NoGCRegion, mode));
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void A_training_step_that_throws_leaves_no_pause_behind()
    {
        var (train, test) = (SyntheticPairs.LowPassPlusWhiteNoise(8, 256, seed: 1), SyntheticPairs.LowPassPlusWhiteNoise(4, 256, seed: 2));
        using var model = new ModeRecorder { ThrowOnCall = 3 };
        Assert.Throws<InvalidOperationException>(() => new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 4, Threads = 1 }).Fit(model, train, test));
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void Scoring_denoisers_holds_the_collector_off()
    {
        var clips = SyntheticPairs.LowPassPlusWhiteNoise(4, 256, seed: 3);
        using var model = new ModeRecorder();
        EvaluationTable.Score(clips, new IDenoiser[] { new NetworkDenoiser(model) });
        EvaluationTable.ScorePerClip(clips, new IDenoiser[] { new NetworkDenoiser(model) });
        Assert.Equal(2, model.Modes.Count);
        Assert.All(model.Modes, mode => Assert.Equal(GCLatencyMode.NoGCRegion, mode));
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    private static void Allocate(long bytes)
    {
        for (long done = 0; done < bytes; done += 4096) GC.KeepAlive(new byte[4096]);
    }

    /// <summary>A one-tap learnable gain that records the collector's mode at every forward pass.</summary>
    private sealed class ModeRecorder : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Parameter gain = new(ones(1));

        public ModeRecorder() : base(nameof(ModeRecorder)) => RegisterComponents();

        public List<GCLatencyMode> Modes { get; } = new();

        public int ThrowOnCall { get; init; } = int.MaxValue;

        public override Tensor forward(Tensor x)
        {
            Modes.Add(GCSettings.LatencyMode);
            if (Modes.Count == ThrowOnCall) throw new InvalidOperationException("a failing step");
            return x * gain;
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CollectorPauseCollection
{
    public const string Name = "The collector's no-GC region (runs alone)";
}
