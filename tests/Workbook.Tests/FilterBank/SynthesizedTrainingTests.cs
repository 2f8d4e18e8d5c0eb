using Workbook.Data;
using Workbook.FilterBank;
using static TorchSharp.torch;

namespace Workbook.Tests.FilterBank;

/// <summary>
/// Synthesized clips added to the bundled training clips (<see cref="FreshNoise.WithSynthesizedSpeech"/>): they come
/// after the bundled clips, which are drawn exactly as without them; they get noise every round at the mix's SNRs, and
/// the share asked for is heard in a room, input and target alike. The recipe's default epochs keep its work constant.
/// </summary>
public class SynthesizedTrainingTests
{
    private const int Length = 16000;

    /// <summary>Stand-ins for synthesized speech (the engines are tested in SynthesizedSpeechTests): tone bursts with pauses.</summary>
    private static float[][] Speech(int count) => Enumerable.Range(0, count).Select(j =>
        Enumerable.Range(0, Length).Select(n => (n / 2000 + j) % 2 == 0 ? 0.5f * MathF.Sin(0.03f * (j + 1) * n) : 0f).ToArray()).ToArray();

    private static float[] Row(Tensor t, int i) => t[i, 0].data<float>().ToArray();

    [Fact]
    public void Synthesized_clips_follow_the_bundled_ones_which_are_drawn_as_without_them()
    {
        var bundled = FreshNoise.ForBundledSplit(50, 1);
        var speech = Speech(6);
        var both = bundled.WithSynthesizedSpeech(speech, 0.5);
        Assert.Equal(250 + 6, both.Count);
        Assert.Equal(6, both.SynthesizedCount);
        var mix = InputSnrMix.Default;
        var (alone, aloneClean) = bundled.Mixed(2, mix);
        var (noisy, clean) = both.Mixed(2, mix);
        Assert.Equal(new long[] { 256, 1, Length }, noisy.shape);
        TensorAssert.Close(alone, noisy.narrow(0, 0, 250), 0, "the bundled clips' round");
        TensorAssert.Close(aloneClean, clean.narrow(0, 0, 250), 0, "the bundled clips' targets");
        TensorAssert.Close(bundled.Noisy(3), both.Noisy(3).narrow(0, 0, 250), 0, "the bundled clips at the manifest's SNRs");

        var (again, _) = both.Mixed(2, mix);
        TensorAssert.Close(noisy, again, 0, "the same round twice");
        var (other, _) = both.Mixed(3, mix);
        Assert.True((other.narrow(0, 250, 6) - noisy.narrow(0, 250, 6)).abs().max().item<float>() > 1e-3, "another round draws other noise");
    }

    [Fact]
    public void Synthesized_clips_get_noise_at_the_mixes_SNRs_and_a_room_on_the_share_asked_for()
    {
        var speech = Speech(40);
        var fresh = FreshNoise.ForBundledSplit(50, 1);
        var mix = new InputSnrMix(5, 5, 0, 0); // every input at 5 dB, at the clip's own level
        var (dry, dryClean) = fresh.WithSynthesizedSpeech(speech, 0).Mixed(1, mix);
        var (wet, wetClean) = fresh.WithSynthesizedSpeech(speech, 1).Mixed(1, mix);
        var (some, someClean) = fresh.WithSynthesizedSpeech(speech, 0.3).Mixed(1, mix);
        int reverberant = 0;
        for (int j = 0; j < speech.Length; j++)
        {
            int i = 250 + j;
            Assert.Equal(speech[j], Row(dryClean, i)); // no room: the target is the speech itself
            Assert.Equal(5, SignalToNoiseRatio.Decibels(Row(dryClean, i), Row(dry, i)), 2);
            // In a room: the target is the speech as the room made it (it keeps its start: the direct sound comes first),
            // and the input is that target plus noise at the SNR.
            var room = Row(wetClean, i);
            Assert.NotEqual(speech[j], room);
            Assert.Equal(5, SignalToNoiseRatio.Decibels(room, Row(wet, i)), 2);
            // The echo fills the pauses: energy where the dry speech is silent.
            double inPauses = Enumerable.Range(0, Length).Where(n => speech[j][n] == 0).Sum(n => (double)room[n] * room[n]);
            Assert.True(inPauses > 1e-3 * room.Sum(v => (double)v * v), $"clip {j}: no echo in the pauses");
            if (!Row(someClean, i).SequenceEqual(speech[j])) reverberant++;
        }
        Assert.InRange(reverberant, 4, 22); // 30 % of 40 is 12
    }

    [Fact]
    public void Training_pairs_are_the_bundled_ones_then_the_synthesized_clean_clips()
    {
        using var bundled = BundledDataSet.Load();
        var (train, test) = DataSplit.Split(bundled, 50, 1);
        using var _ = train;
        using var __ = test;
        var speech = Speech(3);
        using var pairs = FreshNoise.ForBundledSplit(50, 1).WithSynthesizedSpeech(speech, 0.3).TrainingPairs(train);
        Assert.Equal(253, pairs.Count);
        TensorAssert.Close(train.Clean, pairs.Clean.narrow(0, 0, 250), 0, "the bundled clean clips");
        TensorAssert.Close(train.Noisy, pairs.Noisy.narrow(0, 0, 250), 0, "the bundled noisy clips");
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal(speech[j], Row(pairs.Clean, 250 + j));
            Assert.InRange(SignalToNoiseRatio.Decibels(speech[j], Row(pairs.Noisy, 250 + j)), -0.01, 10.01);
        }
        Assert.Throws<ArgumentException>(() => FreshNoise.ForBundledSplit(50, 1).WithSynthesizedSpeech([new float[100]], 0.3));
        Assert.Throws<ArgumentException>(() => FreshNoise.ForBundledSplit(50, 1).WithSynthesizedSpeech(speech, 1.5));
    }

    [Fact]
    public void The_library_s_recipe_needs_no_synthesiser_and_trains_60_epochs_whatever_the_clips()
    {
        var options = FilterBankTrainingOptions.Default;
        Assert.Equal(0, options.SynthesizedClips); // the library's and notebook 05's recipe needs no speech synthesiser
        Assert.Equal(60, options.Epochs);
        Assert.Equal(60, (options with { SynthesizedClips = 750 }).Epochs);
        Assert.Equal(7, (options with { Epochs = 7, SynthesizedClips = 250 }).Epochs);
        Assert.Throws<ArgumentException>(() => (options with { SynthesizedClips = -1 }).Validate());
        Assert.Throws<ArgumentException>(() => (options with { ReverberantShare = 2 }).Validate());
    }

    [Fact]
    public void The_recipe_refuses_options_asking_for_synthesized_clips_it_was_not_given()
    {
        using var bundled = BundledDataSet.Load();
        var (train, test) = DataSplit.Split(bundled, 50, 1);
        using var _ = train;
        using var __ = test;
        var recipe = new FilterBankRecipe(FilterBankTrainingOptions.Default with { SynthesizedClips = 3, Epochs = 1 });
        var error = Assert.Throws<ArgumentException>(() => recipe.Train(train, test, FreshNoise.ForBundledSplit(50, 1)));
        Assert.Contains("ask for 3 synthesized clips, but the fresh noise holds 0", error.Message);
    }
}
