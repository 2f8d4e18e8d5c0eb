using Workbook.Data;
using Workbook.Training;
using static TorchSharp.torch;

namespace Workbook.Tests.FilterBank;

/// <summary>The training pairs drawn at many input SNRs and levels: clean ones among them, in range, the same every time.</summary>
public class InputSnrMixTests
{
    [Fact]
    public void The_mix_holds_clean_inputs_and_SNRs_across_its_range_at_levels_within_its_range_and_is_repeatable()
    {
        var fresh = FreshNoise.ForBundledSplit(50, 1);
        var mix = new InputSnrMix(0, 30, 0.2, -20);
        var (noisy, clean) = fresh.Mixed(3, mix);
        var (noisyAgain, cleanAgain) = fresh.Mixed(3, mix);
        TensorAssert.Close(noisy, noisyAgain, 0, "the same round twice");
        TensorAssert.Close(clean, cleanAgain, 0, "the same round twice");
        var (otherRound, _) = fresh.Mixed(4, mix);
        Assert.True((otherRound - noisy).abs().max().item<float>() > 1e-3, "another round draws other noise");

        using var bundled = BundledDataSet.Load();
        var (train, test) = DataSplit.Split(bundled, 50, 1);
        using var _ = train;
        using var __ = test;
        int count = fresh.Count, cleanInputs = 0;
        var snrs = new List<double>();
        var n = noisy.view(count, -1);
        var c = clean.view(count, -1);
        var original = train.Clean.view(count, -1);
        for (int i = 0; i < count; i++)
        {
            var x = n[i].data<float>().ToArray();
            var y = c[i].data<float>().ToArray();
            // The clean target is the clip itself, scaled by a gain between −20 and 0 dB.
            var o = original[i].data<float>().ToArray();
            double gainDb = 10 * Math.Log10(SignalToNoiseRatio.Power(y) / SignalToNoiseRatio.Power(o));
            Assert.InRange(gainDb, -20.001, 0.001);
            if (x.SequenceEqual(y)) cleanInputs++;
            else snrs.Add(SignalToNoiseRatio.Decibels(y, x));
        }
        // 250 draws with a share of 0.2: 50 expected, and far from 0 or all.
        Assert.InRange(cleanInputs, 25, 80);
        Assert.All(snrs, snr => Assert.InRange(snr, -0.01, 30.01));
        Assert.True(snrs.Min() < 3 && snrs.Max() > 27, $"SNRs from {snrs.Min():F1} to {snrs.Max():F1} dB");
    }

    [Fact]
    public void Levels_are_drawn_evenly_from_the_quietest_to_the_loudest_gain()
    {
        var mix = new InputSnrMix(0, 30, 0, -20, 6);
        var random = new SeededRandom(7);
        var gains = Enumerable.Range(0, 2000).Select(_ => mix.Draw(random).GainDb).ToArray();
        Assert.All(gains, gain => Assert.InRange(gain, -20, 6));
        Assert.True(gains.Min() < -19 && gains.Max() > 5, $"gains from {gains.Min():F1} to {gains.Max():F1} dB");
        Assert.InRange(gains.Count(gain => gain > 0) / 2000.0, 0.19, 0.27);   // 6 of 26 dB: 23% louder than the data set
        Assert.EndsWith("levels -20–6 dB", mix.ToString());
    }

    [Fact]
    public void Settings_that_make_no_sense_are_refused_by_name()
    {
        Assert.StartsWith("the input SNR range", Assert.Throws<ArgumentException>(() => new InputSnrMix(10, 0, 0.1).Validate()).Message);
        Assert.StartsWith("the input SNR range", Assert.Throws<ArgumentException>(() => new InputSnrMix(double.NaN, 0, 0.1).Validate()).Message);
        Assert.StartsWith("the share of clean inputs", Assert.Throws<ArgumentException>(() => new InputSnrMix(0, 30, 1).Validate()).Message);
        Assert.StartsWith("the levels must run", Assert.Throws<ArgumentException>(() => new InputSnrMix(0, 30, 0.1, 3).Validate()).Message);
        Assert.StartsWith("the levels must run", Assert.Throws<ArgumentException>(() => new InputSnrMix(0, 30, 0.1, -20, double.PositiveInfinity).Validate()).Message);
        InputSnrMix.Default.Validate();
    }

    [Fact]
    public void The_capped_SNR_loss_tends_to_its_ceiling_and_equals_the_plain_SNR_far_below_it()
    {
        manual_seed(2);
        var clean = randn(2, 1, 1000);
        Assert.Equal(-40, SiSdrLoss.Snr(clean.clone(), clean, 40).item<float>(), 2);
        var noisy = clean + 0.3 * randn(2, 1, 1000);
        Assert.Equal(SiSdrLoss.Snr(noisy, clean).item<float>(), SiSdrLoss.Snr(noisy, clean, 40).item<float>(), 2);
    }
}
