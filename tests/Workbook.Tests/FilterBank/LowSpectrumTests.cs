using static TorchSharp.torch;
using Workbook.FilterBank;

namespace Workbook.Tests.FilterBank;

/// <summary>The spectrum's lowest bins against the DFT's definition, computed another way (an FFT of each window).</summary>
public class LowSpectrumTests
{
    [Theory]
    [InlineData(16, 4, 5, 37)]     // a window of 4 frames; the last frame padded with zeros
    [InlineData(32, 32, 17, 96)]   // one frame per window, every bin
    [InlineData(512, 32, 32, 2000)]   // the recipe's
    public void Each_frames_bins_are_the_power_of_the_DFT_of_the_Hann_windowed_samples_that_end_with_the_frame(int window, int hop, int bins, int samples)
    {
        manual_seed(3);
        var x = randn(2, 1, samples, dtype: float64);
        var power = LowSpectrum.Power(x, window, hop, bins);
        long frames = (samples + hop - 1) / hop;
        Assert.Equal(new long[] { 2, bins, frames }, power.shape);
        var w = tensor(Enumerable.Range(0, window).Select(n => 0.5 - 0.5 * Math.Cos(2 * Math.PI * n / window)).ToArray());
        var padded = nn.functional.pad(x, [window - hop, frames * hop - samples]);
        for (long t = 0; t < frames; t++)
        {
            // Frame t ends with sample tH + H − 1: in the padded signal its window starts at tH.
            var segment = padded.narrow(2, t * hop, window) * w;
            var expected = fft.rfft(segment, dim: 2).narrow(2, 0, bins).abs().square().squeeze(1) / w.square().sum();
            TensorAssert.Close(expected, power[.., .., t], 1e-9, $"frame {t}");
        }
    }

    [Fact]
    public void No_frame_depends_on_a_later_sample()
    {
        var x = randn(1, 1, 300);
        var changed = x.clone();
        changed[0, 0, 150] = changed[0, 0, 150] + 3;
        var before = LowSpectrum.Power(x, 64, 8, 10);
        var after = LowSpectrum.Power(changed, 64, 8, 10);
        // Sample 150 lies in frame 18 (samples 144 … 151): frames up to 17 are untouched, frame 18 is not.
        TensorAssert.Close(before.narrow(2, 0, 18), after.narrow(2, 0, 18), 0, "the frames before");
        Assert.True((before[.., .., 18] - after[.., .., 18]).abs().max().item<float>() > 1e-3, "the sample's own frame");
    }

    [Fact]
    public void White_noise_of_variance_s2_has_the_power_s2_in_every_bin_and_a_tone_peaks_in_its_own_bin()
    {
        manual_seed(4);
        var noise = 0.1 * randn(1, 1, 200_000, dtype: float64);
        var power = LowSpectrum.Power(noise, 512, 32, 32).narrow(2, 20, 6000);
        double mean = power.narrow(1, 1, 31).mean().item<double>();   // bin 0 (the mean) has twice the variance of the others
        Assert.InRange(mean, 0.01 * 0.95, 0.01 * 1.05);
        // 10 × 31.25 Hz at 16 kHz: bin 10 of a 512-sample window.
        var tone = sin(arange(20_000, dtype: float64) * (2 * Math.PI * 10 / 512)).view(1, 1, -1);
        var profile = LowSpectrum.Power(tone, 512, 32, 32).narrow(2, 100, 400).mean([0, 2]);
        Assert.Equal(10, profile.argmax().item<long>());
    }
}
