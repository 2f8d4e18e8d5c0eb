using Workbook.Networks;
using Workbook.Signals;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.FilterBank;
using Workbook.ModelFiles;

namespace Workbook.Tests.FilterBank;

/// <summary>The improved CNN against its definition: residual, causal, a filter bank with gains held for a frame.</summary>
[Collection(Workbook.Tests.Training.GlobalGeneratorCollection.Name)]   // seeds the global generator: see that collection
public class FilterBankCnnTests
{
    private static readonly FilterBankCnnSpecification Small = new(Bands: 4, BandTaps: 6, Hop: 4, Hidden: 5, Dilations: [1, 2]);

    /// <summary>A network whose every coefficient is random, so that no part is trivially zero.</summary>
    private static FilterBankCnn Randomised(FilterBankCnnSpecification specification, int seed = 5)
    {
        manual_seed(seed);
        var network = new FilterBankCnn(specification);
        using (no_grad())
            foreach (var p in network.parameters()) p.copy_(randn_like(p) * 0.5);
        return network;
    }

    [Fact]
    public void A_new_network_is_the_identity_its_correction_starts_at_zero()
    {
        manual_seed(1);
        using var network = new FilterBankCnn(Small);
        var x = randn(3, 1, 50);
        using (no_grad()) TensorAssert.Close(x, network.call(x), 0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]   // the gates also read the input's spectrum
    public void The_output_is_the_input_plus_the_synthesis_of_the_gated_bands_by_the_shift_register_definition(int spectrumBins)
    {
        using var network = Randomised(WithFeatures(Small, 0, spectrumBins));
        var x = randn(2, 1, 37);
        using var _ = no_grad();
        // y = x + Σ_k S^k (E ⊙ G) B_k with E = Σ_k (S^k x) A_k, both by the definition of Task 2.
        var bands = ShiftRegisterConvolution.Filter3D(x, network.Analysis.detach());
        var gains = network.FrameGains(bands, x);
        var expected = x + ShiftRegisterConvolution.Filter3D(bands * gains, network.Synthesis.detach());
        TensorAssert.Close(expected, network.call(x), 1e-5);
    }

    [Fact]
    public void Forward_with_gates_is_forward_and_its_gates_are_the_frame_gates_of_the_input_followed_by_the_latencys_silence()
    {
        var specification = Small with { Latency = 5 };
        using var network = Randomised(specification);
        var x = randn(2, 1, 37);
        using var _ = no_grad();
        var (output, gates) = network.ForwardWithGates(x);
        TensorAssert.Close(network.call(x), output, 0, "the output");
        var extended = cat([x, zeros(2, 1, 5)], 2);
        var bands = ShiftRegisterConvolution.Filter3D(extended, network.Analysis.detach());
        Assert.Equal(new long[] { 2, specification.Bands, (42 + specification.Hop - 1) / specification.Hop }, gates.shape);
        TensorAssert.Close(network.FrameGates(bands), gates, 1e-6, "the gates");
        TensorAssert.Close(network.FrameGains(bands), gates.repeat_interleave(specification.Hop, 2).narrow(2, 0, 42), 1e-6, "the gains per sample");
    }

    [Fact]
    public void The_ideal_frame_gains_are_those_of_the_networks_own_bands_1_for_a_clean_input_and_0_for_noise_alone()
    {
        var specification = Small with { Latency = 5 };
        using var network = Randomised(specification);
        var voice = randn(2, 1, 37);
        var noise = 0.5 * randn(2, 1, 37);
        using var _ = no_grad();
        Tensor Bands(Tensor signal) => ShiftRegisterConvolution.Filter3D(cat([signal, zeros(2, 1, 5)], 2), network.Analysis.detach());
        var ideal = network.IdealFrameGains(voice + noise, voice);
        TensorAssert.Close(IdealBandGains.OfFrames(Bands(voice), Bands(noise), specification.Hop), ideal, 1e-5, "noisy");
        TensorAssert.Close(ones_like(ideal), network.IdealFrameGains(voice, voice), 1e-6, "a clean input");
        TensorAssert.Close(zeros_like(ideal), network.IdealFrameGains(noise, zeros_like(noise)), 0, "noise alone");
    }

    [Fact]
    public void With_a_latency_the_causal_output_estimates_the_input_that_many_samples_back_and_forward_moves_it_into_step()
    {
        var specification = Small with { Latency = 7 };
        Assert.EndsWith("latency 7 samples", specification.ToString());
        using var network = Randomised(specification);
        var x = randn(2, 1, 37);
        using var _ = no_grad();
        // Delayed: y = S^D x + Σ_k S^k (E ⊙ G) B_k, causal.
        var bands = ShiftRegisterConvolution.Filter3D(x, network.Analysis.detach());
        var shifted = cat([zeros(2, 1, 7), x.narrow(2, 0, 30)], 2);
        var expected = shifted + ShiftRegisterConvolution.Filter3D(bands * network.FrameGains(bands), network.Synthesis.detach());
        TensorAssert.Close(expected, network.Delayed(x), 1e-5);
        // forward: the causal output of x and 7 samples of silence, from sample 7 on.
        var extended = network.Delayed(cat([x, zeros(2, 1, 7)], 2));
        TensorAssert.Close(extended.narrow(2, 7, 37), network.call(x), 1e-6);
        // And a new network passes its input through unchanged, in step.
        manual_seed(1);
        using var fresh = new FilterBankCnn(specification);
        TensorAssert.Close(x, fresh.call(x), 0);
    }

    [Fact]
    public void Scaled_features_are_the_log_energies_in_bels_from_the_reference_energy()
    {
        // f = (ln(E + floor) − ln E_ref) / ln 10 and the level above the floor / ln 10: the same network as one reading
        // natural logarithms whose first 1×1 convolution has its weights times ln 10 and its bias moved by the offset.
        var raw = Small with { NoiseFloorFrames = 6 };
        var scaled = raw with { ScaledFeatures = true };
        Assert.NotEqual(raw, scaled);
        Assert.EndsWith("scaled features", scaled.ToString());
        using var plain = Randomised(raw);
        using var network = Randomised(scaled);   // the same coefficients: the same seed and sizes
        using (no_grad())
        {
            var parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            var weight = parameters["input.weight"];           // [H, 2C, 1]: C levels, then C levels above the floor
            var levels = weight.narrow(1, 0, raw.Bands);
            parameters["input.bias"].add_(levels.sum([1, 2]) * Math.Log(FilterBankCnn.ReferenceEnergy));
            weight.mul_(Math.Log(10));
        }
        var bands = randn(2, raw.Bands, 120) * 0.1;
        using var _ = no_grad();
        TensorAssert.Close(plain.FrameGains(bands), network.FrameGains(bands), 1e-5);
    }

    [Fact]
    public void Without_the_residual_path_the_output_is_the_correction_alone_and_starts_at_zero()
    {
        var specification = Small with { Residual = false };
        Assert.NotEqual(Small, specification);
        Assert.EndsWith("no residual path", specification.ToString());
        using var network = Randomised(specification);
        using var residual = Randomised(Small);   // the same coefficients: the same seed and sizes
        var x = randn(2, 1, 37);
        using (no_grad()) TensorAssert.Close(residual.call(x) - x, network.call(x), 1e-5);
        manual_seed(1);
        using var fresh = new FilterBankCnn(specification);
        using (no_grad()) TensorAssert.Close(zeros_like(x), fresh.call(x), 0);
    }

    [Fact]
    public void A_model_file_without_the_residual_flag_reads_as_residual()
    {
        // Files written before the flag existed have no "Residual" in their header.
        var header = System.Text.Json.JsonSerializer.Deserialize<FilterBankModelFile.Header>(
            """{"Network":{"Bands":4,"BandTaps":6,"Hop":4,"Hidden":5,"Dilations":[1,2]},"SampleRate":16000,"Description":"old"}""")!;
        Assert.True(header.Network.Residual);
        Assert.Equal(0, header.Network.NoiseFloorFrames);   // and without a noise floor or a latency, as they were built
        Assert.Equal(0, header.Network.Latency);
        Assert.False(header.Network.ScaledFeatures);   // and reading natural logarithms of energies
        Assert.Equal(0, header.Network.SpectrumBins);  // and no spectrum
        Assert.False(header.Network.HasPitchComb);     // and no comb
        Assert.Equal(Small, header.Network);
    }

    [Fact]
    public void With_the_comb_the_output_adds_the_bands_one_period_back_with_gains_of_their_own()
    {
        var specification = WithFeatures(Small, 6, 3, 12);
        using var network = Randomised(specification);
        var x = randn(2, 1, 90);
        using var _ = no_grad();
        // y = x + Σ_k S^k (E ⊙ G + P ⊙ G') B_k with P = Σ_k (S^k p) A_k and p the input one period back.
        var bands = ShiftRegisterConvolution.Filter3D(x, network.Analysis.detach());
        var power = LowSpectrum.Power(x, specification.SpectrumWindow, specification.Hop, specification.SpectrumBins);
        var periods = PitchComb.Periods(power, specification.SpectrumWindow, 2, 12);
        var past = ShiftRegisterConvolution.Filter3D(PitchComb.OnePeriodBack(x, periods, specification.Hop, 12), network.Analysis.detach());
        var gates = network.FrameGates(bands, x);
        Assert.Equal(new long[] { 2, 2 * specification.Bands, (90 + specification.Hop - 1) / specification.Hop }, gates.shape);
        var gains = gates.repeat_interleave(specification.Hop, 2).narrow(2, 0, 90);
        var gated = bands * gains.narrow(1, 0, specification.Bands) + past * gains.narrow(1, specification.Bands, specification.Bands);
        TensorAssert.Close(x + ShiftRegisterConvolution.Filter3D(gated, network.Synthesis.detach()), network.call(x), 1e-5);
        // The gates the gain loss sees: the gain of a voice that repeats with the period, 1 + g + g'.
        var (_, combined) = network.ForwardWithGates(x);
        TensorAssert.Close(gates.narrow(1, 0, specification.Bands) + gates.narrow(1, specification.Bands, specification.Bands), combined, 1e-6);
        Assert.EndsWith("a pitch comb of 2–12 samples", specification.ToString());
    }

    [Fact]
    public void Gates_that_read_the_spectrum_ask_for_the_input_and_change_with_it()
    {
        using var network = Randomised(WithFeatures(Small, 6, 3));
        var x = randn(1, 1, 60);
        using var _ = no_grad();
        var bands = ShiftRegisterConvolution.Filter3D(x, network.Analysis.detach());
        var error = Assert.Throws<ArgumentException>(() => network.FrameGates(bands));
        Assert.Contains("spectrum", error.Message);
        // The same bands with another input's spectrum: other gains.
        Assert.True((network.FrameGates(bands, x) - network.FrameGates(bands, 2 * x)).abs().max().item<float>() > 1e-4);
    }

    [Fact]
    public void Gains_are_held_for_a_frame_and_the_first_frame_gets_the_gains_of_silence()
    {
        using var network = Randomised(Small);
        using var _ = no_grad();
        var bands = randn(1, Small.Bands, 21);
        var gains = network.FrameGains(bands);
        Assert.Equal(new long[] { 1, Small.Bands, 21 }, gains.shape);
        for (int n = 0; n < 21; n++)
            TensorAssert.Close(gains[.., .., n - n % Small.Hop], gains[.., .., n], 0, $"sample {n}");
        // Frame 0 sees nothing yet: its gains are those of any input at all.
        TensorAssert.Close(network.FrameGains(randn(1, Small.Bands, 21))[.., .., 0], gains[.., .., 0], 1e-6);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    [InlineData(40)]
    [InlineData(120)]
    public void Changing_a_sample_changes_no_earlier_output(int at)
    {
        using var network = Randomised(FilterBankCnnSpecification.Default with { Bands = 6, Hidden = 8 });
        var x = randn(1, 1, 400);
        var changed = x.clone();
        changed[0, 0, at] = changed[0, 0, at] + 5;
        using var _ = no_grad();
        var y = network.Delayed(x);
        var z = network.Delayed(changed);
        // The band filters run through FFTs, whose rounding spreads ~1e-7 everywhere; a look-ahead would move outputs by ~1.
        if (at > 0) TensorAssert.Close(y[.., .., ..at], z[.., .., ..at], 1e-5, "outputs before the change");
        Assert.True((y[0, 0, at] - z[0, 0, at]).abs().item<float>() > 1e-4, "the output at the change moves with it (the path through the filters)");
        // In step with the input, the output looks ahead by the latency and no further.
        int latency = network.Latency, reached = at - latency;
        Assert.Equal(47, latency);
        var aligned = network.call(x) - network.call(changed);
        if (reached > 0) TensorAssert.Close(zeros(1, 1, reached), aligned[.., .., ..reached], 1e-5, "outputs more than the latency before the change");
    }

    [Fact]
    public void The_noise_floor_is_the_lowest_smoothed_level_of_its_window_digital_silence_left_out()
    {
        const int window = 5, frames = 40;
        int smoothing = FilterBankCnnSpecification.FloorSmoothingFrames;
        manual_seed(3);
        var energy = rand(2, 3, frames, dtype: float64) * 2 + 0.01;
        energy[.., .., TensorIndex.Slice(10, 22)] = 0;        // digital silence, longer than the smoothing and the window
        energy[0, 1, 30] = 1e-3;                               // one quiet frame
        var floor = FilterBankCnn.NoiseFloor(energy, window);
        var e = energy.data<double>().ToArray();
        var f = floor.data<double>().ToArray();
        for (int b = 0; b < 2; b++)
        for (int c = 0; c < 3; c++)
        {
            int row = (b * 3 + c) * frames;
            // The definition: the mean energy of the last frames (silence before the first), its log after the floor's
            // ε, and the lowest of the window's levels whose mean is not digital silence; a window of silence alone: the
            // frame's level.
            double Mean(int t) => Enumerable.Range(t - smoothing + 1, smoothing).Sum(s => s < 0 ? 0 : e[row + s]) / smoothing;
            double Level(int t) => Math.Log(Mean(t) + FilterBankCnn.EnergyFloor);
            for (int t = 0; t < frames; t++)
            {
                var heard = Enumerable.Range(Math.Max(0, t - window + 1), Math.Min(window, t + 1))
                    .Where(s => Mean(s) >= FilterBankCnn.SilentEnergy).Select(Level).ToList();
                double expected = heard.Count > 0 ? heard.Min() : Level(t);
                Assert.True(Math.Abs(expected - f[row + t]) < 1e-9, $"clip {b}, band {c}, frame {t}: {f[row + t]} instead of {expected}");
            }
        }
        // Causal: what comes later changes no earlier floor.
        var later = energy.clone();
        later[.., .., TensorIndex.Slice(25, null)] = 5;
        TensorAssert.Close(floor[.., .., ..25], FilterBankCnn.NoiseFloor(later, window)[.., .., ..25], 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_cosine_filter_bank_splits_the_band_and_analysis_then_synthesis_is_a_delay(bool flatAtZeroHertz)
    {
        const int bands = 24, taps = 48, points = 1024;
        var (analysis, synthesis) = CosineFilterBank.Design(bands, taps, flatAtZeroHertz);
        Assert.Equal(new long[] { taps, 1, bands }, analysis.shape);
        Assert.Equal(new long[] { taps, bands, 1 }, synthesis.shape);
        var a = analysis.squeeze(1).t();   // [C, K]
        var s = synthesis.squeeze(2).t();
        // Each filter is symmetric (linear phase: it delays every frequency by (K − 1)/2 samples).
        TensorAssert.Close(a.flip(1), a, 1e-7);
        TensorAssert.Close(s.flip(1), s, 1e-6);
        var spectra = fft.rfft(a, points);   // [C, points/2 + 1]
        var frequencies = arange(points / 2 + 1, dtype: ScalarType.Float32) / points * 2 * bands;   // in band widths
        for (int c = 0; c < bands; c++)
        {
            var power = spectra[c].abs().square();
            double near = power.masked_select((frequencies - (c + 0.5)).abs().lt(1.5)).sum().item<float>();
            Assert.True(near / power.sum().item<float>() > 0.98, $"band {c} holds {near / power.sum().item<float>():P1} of its energy within 1.5 band widths of its centre");
        }
        // The synthesis filters are the analysis shapes, scaled; flattened, the lowest bands' change.
        double ratio = s[bands / 2].abs().max().item<float>() / a[bands / 2].abs().max().item<float>();
        for (int c = flatAtZeroHertz ? 3 : 0; c < bands; c++) TensorAssert.Close(a[c] * ratio, s[c], flatAtZeroHertz ? 5e-3 : 1e-6, $"band {c}'s synthesis filter");
        if (flatAtZeroHertz) Assert.True(((s[0] - a[0] * ratio).norm() / s[0].norm()).item<float>() > 0.1, "band 0's synthesis filter is corrected");
        // Analysis then synthesis, summed over bands: the impulse response peaks at K − 1 and passes the band with a gain
        // of 1 (±0.1 dB), but within two band widths of the Nyquist frequency (where an even-length symmetric filter falls
        // to zero) and, as designed, of 0 Hz, where the lowest band overlaps its mirror image and 0 Hz passes twice over.
        var cascade = zeros(2 * taps - 1);
        for (int c = 0; c < bands; c++)
            cascade += nn.functional.conv1d(a[c].view(1, 1, -1), s[c].flip(0).view(1, 1, -1), padding: taps - 1).view(-1);
        Assert.Equal(taps - 1, cascade.abs().argmax().item<long>());
        int edge = points / (2 * bands) * 2;   // two band widths in FFT bins
        var response = fft.rfft(cascade, points).abs();
        int from = flatAtZeroHertz ? 0 : edge;
        var gain = response.narrow(0, from, points / 2 + 1 - edge - from);
        double lowest = 20 * Math.Log10(gain.min().item<float>()), highest = 20 * Math.Log10(gain.max().item<float>());
        Assert.True(lowest > -0.1 && highest < 0.1, $"the bank's gain runs from {lowest:F2} to {highest:F2} dB");
        double atZero = 20 * Math.Log10(response[0].item<float>());
        Assert.True(flatAtZeroHertz ? Math.Abs(atZero) < 0.1 : Math.Abs(atZero - 6.02) < 0.3, $"the bank's gain at 0 Hz is {atZero:F2} dB");
    }

    [Fact]
    public void The_parameter_count_formula_matches_the_module()
    {
        foreach (var specification in new[] { Small, Small with { NoiseFloorFrames = 6 }, Small with { NoiseFloorFrames = 6, SpectrumBins = 3, SpectrumWindow = 16 }, WithFeatures(Small, 6, 3, 12), FilterBankCnnSpecification.Default })
        {
            using var network = new FilterBankCnn(specification);
            Assert.Equal(specification.ParameterCount, network.ParameterCount);
        }
    }

    /// <summary>The small network, the same with a noise floor over 6 frames, with it 3 spectrum bins of a window of
    /// 16 samples (longer than the band filters: it decides how far back a frame's features reach), and with those a
    /// pitch comb of 2–12 samples.</summary>
    public static TheoryData<int, int, int> FloorWindows => new() { { 0, 0, 0 }, { 6, 0, 0 }, { 6, 3, 0 }, { 6, 3, 12 } };

    private static FilterBankCnnSpecification WithFeatures(FilterBankCnnSpecification specification, int floorWindow, int spectrumBins, int longestLag = 0) =>
        specification with
        {
            NoiseFloorFrames = floorWindow, SpectrumBins = spectrumBins, SpectrumWindow = spectrumBins > 0 ? 16 : 0,
            PitchShortestLag = longestLag > 0 ? 2 : 0, PitchLongestLag = longestLag,
        };

    [Theory]
    [MemberData(nameof(FloorWindows))]
    public void The_receptive_field_is_what_a_change_reaches_and_the_history_covers_it(int floorWindow, int spectrumBins, int longestLag)
    {
        var specification = WithFeatures(Small, floorWindow, spectrumBins, longestLag);
        using var network = Randomised(specification);
        int length = (int)specification.History * 3;
        var x = randn(1, 1, length);
        var changed = x.clone();
        changed[0, 0, 0] = changed[0, 0, 0] + 5;
        using var _ = no_grad();
        var difference = (network.call(x) - network.call(changed)).abs().view(-1).data<float>().ToArray();
        int last = Array.FindLastIndex(difference, d => d > 1e-5);   // beyond: FFT rounding only
        Assert.True(last < specification.ReceptiveField, $"the change at sample 0 reaches sample {last}, beyond the receptive field {specification.ReceptiveField}");
        Assert.Equal(0, specification.History % specification.Hop);
        Assert.True(specification.History >= specification.ReceptiveField);
    }

    [Theory]
    [MemberData(nameof(FloorWindows))]
    public void A_clip_after_digital_silence_is_treated_as_after_a_long_silence(int floorWindow, int spectrumBins, int longestLag)
    {
        // What the network does with a clip's first frames must not depend on where the file happens to start: the
        // output of x equals the tail of the output of (a long digital silence, then x).
        var specification = WithFeatures(Small with { Dilations = [1, 2, 4] }, floorWindow, spectrumBins, longestLag);
        using var network = Randomised(specification);
        manual_seed(8);
        var x = 0.3 * randn(1, 1, 400);
        long silence = 40L * specification.Hop;   // longer than the gains' reach, a whole number of frames
        using var _ = no_grad();
        var alone = network.call(x);
        var afterSilence = network.call(cat([zeros(1, 1, silence), x], 2)).narrow(2, silence, 400);
        Assert.True(silence > specification.ReceptiveField);
        TensorAssert.Close(afterSilence, alone, 1e-5, "x alone against x after silence");
    }
}

/// <summary>The losses against SignalMetrics (float64, another route) and against finite differences.</summary>
public class FilterBankLossTests
{
    [Fact]
    public void The_SI_SDR_and_SNR_losses_are_minus_the_mean_of_the_metrics()
    {
        manual_seed(2);
        var clean = randn(4, 1, 300);
        var estimate = clean * 0.7 + randn(4, 1, 300) * 0.3;
        Assert.Equal(-Workbook.Evaluation.SignalMetrics.SiSdrDb(estimate, clean).Average(), SiSdrLoss.Compute(estimate, clean).item<float>(), 3);
        Assert.Equal(-Workbook.Evaluation.SignalMetrics.SnrDb(estimate, clean).Average(), SiSdrLoss.Snr(estimate, clean).item<float>(), 3);
        // Scale-invariant: a louder estimate scores the same SI-SDR, not the same SNR.
        Assert.Equal(SiSdrLoss.Compute(estimate, clean).item<float>(), SiSdrLoss.Compute(estimate * 3, clean).item<float>(), 3);
    }

    [Fact]
    public void The_SI_SDR_loss_gradient_matches_finite_differences()
    {
        manual_seed(4);
        var clean = randn(2, 1, 20, dtype: float64);
        var estimate = (clean + randn(2, 1, 20, dtype: float64) * 0.5).requires_grad_(true);
        SiSdrLoss.Compute(estimate, clean).backward();
        var gradient = estimate.grad!.clone();
        const double step = 1e-6;
        foreach (var (q, n) in new[] { (0, 0), (0, 7), (1, 19) })
        {
            using var _ = no_grad();
            var plus = estimate.clone(); plus[q, 0, n] += step;
            var minus = estimate.clone(); minus[q, 0, n] -= step;
            double numeric = (SiSdrLoss.Compute(plus, clean).item<double>() - SiSdrLoss.Compute(minus, clean).item<double>()) / (2 * step);
            Assert.Equal(numeric, gradient[q, 0, n].item<double>(), 5);
        }
    }

}
