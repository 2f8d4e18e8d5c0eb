using Workbook.Data;
using Workbook.Evaluation;
using Workbook.Networks;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Fast;
using Workbook.FilterBank;
using Workbook.ModelFiles;

namespace Workbook.Tests.FilterBank;

/// <summary>Fresh noise, the recipe, its model file, and the breakdown of the scores.</summary>
[Collection(Workbook.Tests.Training.GlobalGeneratorCollection.Name)]   // seeds the global generator: see that collection
public class FilterBankRecipeTests
{
    [Fact]
    public void Fresh_noise_round_0_is_the_bundled_set_later_rounds_differ_at_the_exact_SNR_and_the_test_clips_stay_out()
    {
        using var clips = BundledDataSet.Load();
        var (train, test) = DataSplit.Split(clips, 50, 1);
        using var _ = train;
        using var __ = test;
        var fresh = FreshNoise.ForBundledSplit(50, 1);
        Assert.Equal(train.Count, fresh.Count);
        using var round0 = fresh.Noisy(0);
        TensorAssert.Close(train.Noisy, round0, 0, "round 0");
        using var round3 = fresh.Noisy(3);
        Assert.True((round3 - train.Noisy).abs().max().item<float>() > 1e-3, "round 3 has other noise");
        var manifest = BundledDataSet.ReadManifest();
        var order = DataSplit.Permutation(manifest.Clips.Count, 1);
        var clean = train.Clean.view(train.Count, -1);
        var noisy = round3.view(train.Count, -1);
        for (int i = 0; i < train.Count; i += 23)
        {
            var clip = manifest.Clips[(int)order[50 + i]];
            Assert.StartsWith($"{clip.Index:D4} ", train.Names[i]);
            double snr = SignalToNoiseRatio.Decibels(clean[i].data<float>().ToArray(), noisy[i].data<float>().ToArray());
            Assert.Equal(clip.SnrDb, snr, 3);
        }
        // The test clips are what they were, whatever rounds are drawn.
        using var reloaded = BundledDataSet.Load();
        var (___, testAgain) = DataSplit.Split(reloaded, 50, 1);
        TensorAssert.Close(test.Noisy, testAgain.Noisy, 0, "test clips");
        Assert.NotEqual(FreshNoise.SeedFor(7, 1), FreshNoise.SeedFor(7, 2));
        Assert.Equal(7, FreshNoise.SeedFor(7, 0));
    }

    [Fact]
    public void A_short_run_of_the_recipe_ends_below_the_identitys_loss()
    {
        using var clips = BundledDataSet.Load();
        var (train, test) = DataSplit.Split(clips, 50, 1);
        using var _ = train;
        using var __ = test;
        var options = FilterBankTrainingOptions.Default with
        {
            Network = FilterBankCnnSpecification.Default with { Dilations = [1, 2, 4] },
            Epochs = 2, Loss = FilterBankLoss.Snr, Threads = 1,
        };
        var (model, history) = new FilterBankRecipe(options).Train(train, test, FreshNoise.ForBundledSplit(50, 1));
        using var ___ = model;
        Assert.Equal(2, history.Epochs.Count);
        var rows = EvaluationTable.Score(test, new IDenoiser[] { new IdentityDenoiser(), new NetworkDenoiser(model) });
        // The loss it minimises is −SNR: the identity's is −(its SNR), so the run must end with a higher SNR.
        Assert.True(rows[1].SnrDb > rows[0].SnrDb, $"SNR {rows[1].SnrDb:F2} dB, not above the identity's {rows[0].SnrDb:F2} dB");
    }

    [Theory]
    [InlineData(FilterBankOptimizer.Sgd, 0, 0.5)]
    [InlineData(FilterBankOptimizer.Adam, 0, 0.5)]
    [InlineData(FilterBankOptimizer.Sgd, 10, 1)]
    [InlineData(FilterBankOptimizer.Sgd, 10, 0.5)]
    public void One_step_moves_the_coefficients_as_the_optimiser_defines_on_the_loss_plus_the_weighted_gain_loss(FilterBankOptimizer optimizer, double gainLossWeight, double gainLossPower)
    {
        // One clip, one epoch, one step, whole clips, a constant rate, the L1 loss (plus the gain loss): the step is the
        // optimiser's first.
        var clean = rand(1, 1, 640) - 0.5;
        var noisy = clean + 0.1 * randn(1, 1, 640);
        using var pairs = new PairedClips(["a"], noisy, clean, 16000, "test");
        var network = FilterBankCnnSpecification.Default with { Bands = 3, BandTaps = 5, Hop = 8, Hidden = 4, Dilations = [1] };
        var options = FilterBankTrainingOptions.Default with
        {
            Network = network, Epochs = 1, BatchSize = 1, CropLength = 0, CosineSchedule = false, Loss = FilterBankLoss.L1,
            Optimizer = optimizer, LearningRate = 0.01, Threads = 1, FreshNoiseEachEpoch = false, GainLossWeight = gainLossWeight,
            GainLossPower = gainLossPower,
        };
        manual_seed(options.Seed);
        using var start = new FilterBankCnn(network);
        var before = start.parameters().Select(p => p.detach().clone()).ToArray();
        var (output, gates) = start.ForwardWithGates(noisy);
        // The gain loss by its definition: mean over bands and frames of ((1 + g)^p − ĝ^p)².
        var gainLoss = ((1 + gates).pow(gainLossPower) - start.IdealFrameGains(noisy, clean).pow(gainLossPower)).square().mean();
        (nn.functional.l1_loss(output, clean) + gainLossWeight * gainLoss).backward();
        var gradients = start.parameters().Select(p => p.grad!.clone()).ToArray();
        var (trained, _) = new FilterBankRecipe(options).Train(pairs, pairs);
        using var __ = trained;
        var after = trained.parameters().ToArray();
        for (int i = 0; i < after.Length; i++)
        {
            // SGD: θ − lr·g. Adam's first step: m̂ = g and v̂ = g², so θ − lr·g / (|g| + ε), ε = 1e-8.
            var step = optimizer == FilterBankOptimizer.Sgd ? 0.01 * gradients[i] : 0.01 * gradients[i] / (gradients[i].abs() + 1e-8);
            TensorAssert.Close(before[i] - step, after[i].detach(), 1e-6, $"parameter {i}");
        }
        Assert.Contains(optimizer == FilterBankOptimizer.Sgd ? "SGD lr 0.01" : "Adam lr 0.01", options.ToString());
    }

    [Fact]
    public void Only_the_lowest_learned_bands_filters_move_the_others_keep_the_cosine_design()
    {
        // One clip, three steps (at the first the gates are closed and no filter has a gradient), band 0 of 3 learning.
        manual_seed(3);
        var clean = rand(1, 1, 640) - 0.5;
        var noisy = clean + 0.1 * randn(1, 1, 640);
        using var pairs = new PairedClips(["a"], noisy, clean, 16000, "test");
        var network = FilterBankCnnSpecification.Default with { Bands = 3, BandTaps = 5, Hop = 8, Hidden = 4, Dilations = [1], Latency = 4 };
        var options = FilterBankTrainingOptions.Default with
        {
            Network = network, LearnedBands = 1, Epochs = 3, BatchSize = 1, CropLength = 0, Loss = FilterBankLoss.L1,
            LearningRate = 0.01, Threads = 1, FreshNoiseEachEpoch = false,
        };
        var (trained, _) = new FilterBankRecipe(options).Train(pairs, pairs);
        using var __ = trained;
        var (analysis, synthesis) = CosineFilterBank.Design(3, 5);
        TensorAssert.Close(analysis.narrow(2, 1, 2), trained.Analysis.detach().narrow(2, 1, 2), 0, "analysis of bands 1 and 2");
        TensorAssert.Close(synthesis.narrow(1, 1, 2), trained.Synthesis.detach().narrow(1, 1, 2), 0, "synthesis of bands 1 and 2");
        Assert.True((analysis.narrow(2, 0, 1) - trained.Analysis.detach().narrow(2, 0, 1)).abs().max().item<float>() > 1e-4, "band 0's analysis filter moved");
        Assert.True((synthesis.narrow(1, 0, 1) - trained.Synthesis.detach().narrow(1, 0, 1)).abs().max().item<float>() > 1e-4, "band 0's synthesis filter moved");
    }

    [Fact]
    public void Settings_that_make_no_sense_are_refused_by_name_and_the_description_names_every_choice()
    {
        var recipe = FilterBankTrainingOptions.Default;
        foreach (var (bad, words) in new (FilterBankTrainingOptions, string)[]
                 {
                     (recipe with { Epochs = 0 }, "epochs must be at least 1, not 0"),
                     (recipe with { LearningRate = 0 }, "the learning rate must be a positive number, not 0"),
                     (recipe with { LearningRate = double.NaN }, "the learning rate must be a positive number"),
                     (recipe with { LearningRate = double.PositiveInfinity }, "the learning rate must be a positive number"),
                     (recipe with { BatchSize = 0 }, "the batch size must be at least 1, not 0"),
                     (recipe with { CropLength = -1 }, "the crop length must be 0 (whole clips) or positive, not -1"),
                     (recipe with { Threads = 0 }, "the thread count must be at least 1, not 0"),
                     (recipe with { Network = recipe.Network with { Hop = 0 } }, "the hop must be at least one sample, not 0"),
                     (recipe with { Network = recipe.Network with { NoiseFloorFrames = -1 } }, "the noise floor's window must be 0 (none) or a number of frames, not -1"),
                     (recipe with { Network = recipe.Network with { Latency = -1 } }, "the latency must be 0 or more samples, not -1"),
                     (recipe with { Network = recipe.Network with { SpectrumBins = -1 } }, "the spectrum bins must be 0 (none) or more, not -1"),
                     (recipe with { Network = recipe.Network with { SpectrumWindow = 32 } }, "32 spectrum bins need a window of at least the hop (32) and 62 samples, not 32"),
                     (recipe with { Network = recipe.Network with { PitchShortestLag = 20, PitchLongestLag = 512 } },
                         "the pitch comb's lags must be 0 and 0 (none) or run from at least 1 to below the spectrum's window (512) with at least 2 bins, not 20…512 with 32"),
                     (recipe with { LearnedBands = -1 }, "the learned bands must be 0 to the network's 24 (or all), not -1"),
                     (recipe with { LearnedBands = 25 }, "the learned bands must be 0 to the network's 24 (or all), not 25"),
                     (recipe with { GainLossWeight = -1 }, "the gain loss's weight must be 0 (none) or a positive number, not -1"),
                     (recipe with { GainLossWeight = double.NaN }, "the gain loss's weight must be 0 (none) or a positive number, not NaN"),
                     (recipe with { GainLossPower = 0 }, "the gain loss's power must be a positive number, not 0"),
                     (recipe with { GainLossPower = double.NaN }, "the gain loss's power must be a positive number, not NaN"),
                     (recipe with { SnrCeilingDb = 0 }, "the SNR ceiling must be a positive number of dB or infinity, not 0"),
                     (recipe with { InputSnr = new InputSnrMix(0, 30, 1) }, "the share of clean inputs must be at least 0 and below 1, not 1"),
                 })
            Assert.StartsWith(words, Assert.Throws<ArgumentException>(() => new FilterBankRecipe(bad)).Message);
        foreach (var fine in new[] { recipe, recipe with { CropLength = 0, Threads = 1, Epochs = 1, BatchSize = 1, LearningRate = 1e-9 } }) fine.Validate();

        Assert.Equal("24 bands of 48 taps, gains every 32 samples from 8 blocks of 32 channels (dilations [1, 2, 4, 8, 1, 2, 4, 8]), noise floor over 250 frames, latency 47 samples, scaled features, " +
                     "the lowest 32 spectrum bins of a 512-sample window, a pitch comb of 20–256 samples; " +
                     "filters of the lowest 3 bands learned, the rest fixed; Adam lr 0.003 (cosine to 1/20), batch 16 crops of 8000 samples, 60 epochs, loss -SNR + 10 × the gain loss, fresh noise every epoch " +
                     "(10% clean, the rest 0–40 dB SNR, levels -20–6 dB), seed 1",
            recipe.ToString());
        Assert.Equal("24 bands of 48 taps, gains every 32 samples from 8 blocks of 32 channels (dilations [1, 2, 4, 8, 1, 2, 4, 8]), no residual path; " +
                     "SGD lr 0.5, batch 8, 3 epochs, loss L1, seed 4",
            (recipe with
            {
                Network = recipe.Network with { Residual = false, NoiseFloorFrames = 0, Latency = 0, ScaledFeatures = false, SpectrumBins = 0, PitchShortestLag = 0, PitchLongestLag = 0 }, LearnedBands = null, Optimizer = FilterBankOptimizer.Sgd, LearningRate = 0.5, CosineSchedule = false,
                BatchSize = 8, CropLength = 0, Epochs = 3, Loss = FilterBankLoss.L1, FreshNoiseEachEpoch = false, Seed = 4, GainLossWeight = 0,
            }).ToString());
        Assert.Contains("loss -SI-SDR", (recipe with { Loss = FilterBankLoss.SiSdr }).ToString());
    }

    [Fact]
    public void A_run_whose_loss_stops_being_a_number_stops_says_why_and_keeps_the_epochs_before()
    {
        var clean = rand(4, 1, 640) - 0.5;
        using var pairs = new PairedClips(["a", "b", "c", "d"], clean + 0.1 * randn(4, 1, 640), clean, 16000, "test");
        var options = FilterBankTrainingOptions.Default with
        {
            Network = FilterBankCnnSpecification.Default with { Bands = 3, BandTaps = 5, Hop = 8, Hidden = 4, Dilations = [1] },
            Epochs = 3, BatchSize = 2, CropLength = 0, Optimizer = FilterBankOptimizer.Sgd, LearningRate = 1e30, Threads = 1,
        };
        var epochs = new List<EpochResult>();
        var (model, history) = new FilterBankRecipe(options).Train(pairs, pairs, onEpoch: epochs.Add);
        using var _ = model;
        Assert.True(history.Diverged);
        Assert.Matches(@"^training diverged at epoch \d: the loss became (NaN|infinite) \(learning rate 1E\+30\); try a smaller learning rate$", history.StopReason);
        Assert.Equal(epochs, history.Epochs);                        // only the finite epochs, each reported once
        Assert.True(history.Epochs.Count < 3);
        Assert.Equal("1 thread (fixed)", history.ThreadChoice);
    }

    [Fact]
    public void Training_needs_clips_and_fresh_noise_for_each_of_them()
    {
        using var none = new PairedClips([], zeros(0, 1, 64), zeros(0, 1, 64), 16000, "none");
        using var two = new PairedClips(["a", "b"], rand(2, 1, 64), rand(2, 1, 64), 16000, "two");
        var recipe = new FilterBankRecipe(FilterBankTrainingOptions.Default with { Epochs = 1, Threads = 1 });
        Assert.Equal("there are no training clips", Assert.Throws<ArgumentException>(() => recipe.Train(none, two)).Message);
        var fresh = FreshNoise.ForBundledSplit(50, 1);
        Assert.Equal($"fresh noise for {fresh.Count} clips, but there are 2 training clips",
            Assert.Throws<ArgumentException>(() => recipe.Train(two, two, fresh)).Message);
    }

    [Fact]
    public void The_cosine_schedule_goes_from_the_rate_to_a_twentieth()
    {
        var recipe = new FilterBankRecipe(FilterBankTrainingOptions.Default with { LearningRate = 0.02 });
        Assert.Equal(0.02, recipe.LearningRateAt(0, 101), 12);
        Assert.Equal((0.02 + 0.001) / 2, recipe.LearningRateAt(50, 101), 12);
        Assert.Equal(0.001, recipe.LearningRateAt(100, 101), 12);
        Assert.Equal(0.02, new FilterBankRecipe(FilterBankTrainingOptions.Default with { CosineSchedule = false }).LearningRateAt(7, 10) / 0.003 * 0.02, 12);
    }

    [Fact]
    public void A_saved_model_loads_with_the_same_output_and_a_flipped_byte_is_named()
    {
        manual_seed(9);
        using var model = new FilterBankCnn(FilterBankCnnSpecification.Default with { Bands = 5, Hidden = 6 });
        using (no_grad()) foreach (var p in model.parameters()) p.copy_(randn_like(p) * 0.3);
        string folder = Directory.CreateTempSubdirectory("workbook-improved-").FullName;
        string path = Path.Combine(folder, "model.cnn");
        FilterBankModelFile.Save(model, path, new FilterBankModelFile.Header(model.Specification, 16000, "test"));
        using var loaded = ModelSource.LoadNetwork(path);
        Assert.Equal("improved CNN", loaded.Name);
        var x = randn(1, 1, 500);
        using (no_grad()) TensorAssert.Close(model.call(x), loaded.Network.call(x), 0);
        var bytes = File.ReadAllBytes(path);
        bytes[^10] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => ModelSource.LoadNetwork(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("checksum", error.Message);
        Directory.Delete(folder, recursive: true);
    }
}

/// <summary>Group rows are means over their clips, and the whole set's row is their count-weighted mean.</summary>
public class ScoreBreakdownTests
{
    [Fact]
    public void Noise_kinds_and_SNR_bands_each_partition_the_test_clips_and_average_back_to_the_overall_row()
    {
        using var clips = BundledDataSet.Load();
        var (train, test) = DataSplit.Split(clips, 50, 1);
        using var _ = train;
        using var __ = test;
        var fir = WienerFilter.Fit(train.Noisy, train.Clean, 20);
        var perClip = EvaluationTable.ScorePerClip(test, new IDenoiser[] { new IdentityDenoiser(), fir });
        var overall = EvaluationTable.Score(test, new IDenoiser[] { new IdentityDenoiser(), fir });
        var manifest = BundledDataSet.ReadManifest();
        foreach (var groups in new[] { ScoreBreakdown.ByNoiseKind(manifest, 50, 1), ScoreBreakdown.BySnrBand(test.Noisy, test.Clean) })
        {
            Assert.Equal(Enumerable.Range(0, 50), groups.SelectMany(g => g.Indices).Order());
            var rows = ScoreBreakdown.Score(perClip, groups);
            for (int d = 0; d < 2; d++)
            {
                var mine = rows.Where((_, i) => i % 2 == d).ToList();
                double Weighted(Func<DenoiserScore, double> column) => mine.Sum(r => r.Clips * column(r.Score)) / 50;
                Assert.Equal(overall[d].L1, Weighted(s => s.L1), 6);
                Assert.Equal(overall[d].SnrImprovementDb, Weighted(s => s.SnrImprovementDb), 6);
                Assert.Equal(overall[d].SiSdrDb, Weighted(s => s.SiSdrDb), 6);
                Assert.Equal(overall[d].SiSdrImprovementDb, Weighted(s => s.SiSdrImprovementDb), 6);
            }
        }
        // Each noise-kind group holds exactly the clips whose name carries that kind.
        foreach (var group in ScoreBreakdown.ByNoiseKind(manifest, 50, 1))
            Assert.All(group.Indices, q => Assert.Contains($" {group.Name} ", test.Names[q]));
    }
}
