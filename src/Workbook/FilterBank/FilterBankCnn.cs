using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Workbook.Networks;

namespace Workbook.FilterBank;

/// <summary>
/// A small causal time-domain CNN that beats the best linear filter: output = input + correction.
/// <list type="number">
///   <item>Analysis: a MIMO filter layer of Task 2, 1 → C channels of K taps: <c>E = Σ_k (S^k x) A_k</c>, C band signals.
///   The filters start as a real filter bank (<see cref="CosineFilterBank"/>); the recipe lets the lowest bands' learn
///   (<see cref="FilterBankTrainingOptions.LearnedBands"/>).</item>
///   <item>Gains: each band's log-energy over frames of <c>Hop</c> samples (in bels with
///   <see cref="FilterBankCnnSpecification.ScaledFeatures"/>), and those of the lowest bins of the input's spectrum
///   (<see cref="FilterBankCnnSpecification.SpectrumBins"/>), go through a CNN over frames (1×1 in,
///   residual blocks h + PReLU(causal dilated 3-tap convolution of h), 1×1 out, tanh), giving one gain g ∈ (−1, 1)
///   per band and frame. The gains of frame t are used for the samples of frame t + 1, so no gain looks ahead.</item>
///   <item>The pitch comb (<see cref="FilterBankCnnSpecification.PitchLongestLag"/>): the same analysis of the input one
///   pitch period back, <c>P = Σ_k (S^k p) A_k</c> with <c>p(n) = x(n − T)</c> (<see cref="PitchComb"/>), gated by a
///   second gain per band and frame, g' ∈ (−1, 1); the gate network also reads each band's correlation with it.</item>
///   <item>Synthesis: a MIMO filter layer C → 1 of K taps on the gated bands: <c>c = Σ_k (S^k (E ⊙ G + P ⊙ G')) B_k</c>
///   (without the comb, P ⊙ G' = 0).</item>
///   <item>Residual: <c>y = S^D x + c</c>, D the <see cref="FilterBankCnnSpecification.Latency"/> (the filters' delay, so
///   that the correction can cancel what it was computed from). The output convolution of the gate network starts at
///   zero, so training starts from the identity (output = noisy input) and only learns what to take away or add.</item>
/// </list>
/// In real time this is <see cref="Delayed"/>, causal, D samples late; <c>forward</c> gives the same output in step with
/// the input. A fixed linear filter applies the same gain to a frequency at every moment; this one changes its gains
/// every two milliseconds with what it hears, which is what removing noise from speech that starts and stops needs.
/// </summary>
public sealed class FilterBankCnn : nn.Module<Tensor, Tensor>, ILookAhead
{
    private readonly MimoFilter analysis, synthesis;
    private readonly Conv1d input, output;
    private readonly ModuleList<Conv1d> dilated = new();
    private readonly ModuleList<PReLU> activations = new();

    public FilterBankCnn(FilterBankCnnSpecification specification) : base(nameof(FilterBankCnn))
    {
        specification.Validate();
        // Its convolutions would otherwise print "Could not initialize NNPACK!" on CPUs NNPACK does not support.
        Hosting.Nnpack.TurnOff();
        Specification = specification;
        int c = specification.Bands, h = specification.Hidden;
        analysis = new MimoFilter(specification.BandTaps, 1, c);
        synthesis = new MimoFilter(specification.BandTaps, c, 1);
        input = nn.Conv1d(specification.InputChannels, h, 1);
        foreach (int d in specification.Dilations)
        {
            dilated.Add(nn.Conv1d(h, h, FilterBankCnnSpecification.BlockTaps, dilation: d));
            activations.Add(nn.PReLU(h, 0.25));
        }
        output = nn.Conv1d(h, specification.GateOutputs, 1);
        using (no_grad())
        {
            var (bank, inverse) = CosineFilterBank.Design(c, specification.BandTaps);
            analysis.H.copy_(bank);
            synthesis.H.copy_(inverse);
            bank.Dispose();
            inverse.Dispose();
            output.weight!.zero_();
            output.bias!.zero_();
        }
        RegisterComponents();
    }

    /// <summary>The architecture this network was built from.</summary>
    public FilterBankCnnSpecification Specification { get; }

    /// <summary>The analysis filters, <c>[K, 1, C]</c>: band c's impulse response is <c>Analysis[:, 0, c]</c>.</summary>
    public Parameter Analysis => analysis.H;

    /// <summary>The synthesis filters, <c>[K, C, 1]</c>.</summary>
    public Parameter Synthesis => synthesis.H;

    /// <inheritdoc/>
    public int Latency => Specification.Latency;

    /// <summary>The number of learnable coefficients.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    public override Tensor forward(Tensor x)
    {
        var (output, gates) = ForwardWithGates(x);
        gates.Dispose();
        return output;
    }

    /// <summary>
    /// <c>forward</c>, and the gates that made its output, <c>[B, C, T]</c>: g ∈ (−1, 1) for every band and frame of the
    /// input followed by <see cref="Latency"/> samples of silence (the frames <see cref="IdealFrameGains"/> are given
    /// for), band c's signal passing with the gain 1 + g. The recipe's gain loss compares the two. With the pitch comb,
    /// g + g': a voice that repeats with the period passes band c with the gain 1 + g + g'.
    /// </summary>
    public (Tensor Output, Tensor Gates) ForwardWithGates(Tensor x)
    {
        if (x.dim() != 3 || x.shape[1] != 1)
            throw new ArgumentException($"the improved CNN takes mono clips [B, 1, N], not [{string.Join(", ", x.shape)}]");
        int latency = Specification.Latency;
        if (latency == 0) return DelayedWithGates(x);
        using var scope = NewDisposeScope();
        // The causal network's output is the estimate of the input `latency` samples earlier: run it on the input and
        // as many samples of silence after it, and keep the outputs from sample `latency` on.
        var (output, gates) = DelayedWithGates(nn.functional.pad(x, [0, latency]));
        return (output.narrow(2, latency, x.shape[2]).MoveToOuterDisposeScope(), gates.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The network as it runs in real time, <c>[B, 1, N]</c> → <c>[B, 1, N]</c>: output sample n depends on input samples
    /// up to n only, and estimates the clean sample <see cref="FilterBankCnnSpecification.Latency"/> samples earlier.
    /// <c>forward</c> is this output moved back into step with the input (<see cref="ILookAhead"/>).
    /// </summary>
    public Tensor Delayed(Tensor x)
    {
        var (output, gates) = DelayedWithGates(x);
        gates.Dispose();
        return output;
    }

    private (Tensor Output, Tensor Gates) DelayedWithGates(Tensor x)
    {
        using var scope = NewDisposeScope();
        var bands = analysis.call(x);                      // [B, C, N]
        var heard = Hear(bands, x);
        var gates = Gates(heard);                          // [B, C, T], or [B, 2C, T] with the comb
        long c = bands.shape[1], n = x.shape[2];
        var gated = Gated(bands, gates.narrow(1, 0, c));
        if (heard.PastBands is { } past)
        {
            // The comb: each band one period back, with a gain of its own. For a voice that repeats, the band's gain
            // on it is the sum of the two, which is what the gain loss compares with the ideal gain.
            var combGates = gates.narrow(1, c, c);
            gated = gated + Gated(past, combGates);
            gates = gates.narrow(1, 0, c) + combGates;
        }
        var correction = synthesis.call(gated);            // [B, 1, N]
        var output = correction;
        if (Specification.Residual)
        {
            // The residual path waits as long as the filters' correction takes to come through.
            int latency = Specification.Latency;
            output = (latency == 0 ? x : nn.functional.pad(x, [latency, 0]).narrow(2, 0, x.shape[2])) + correction;
        }
        return (output.MoveToOuterDisposeScope(), gates.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// What gates that knew the answer would be on this network's own bands: the ideal gain of every band in every frame
    /// of <c>noisy</c> followed by <see cref="Latency"/> samples of silence (<see cref="IdealBandGains.OfFrames"/>,
    /// <c>[B, C, T]</c>, the frames of <see cref="ForwardWithGates"/>), from the analysis of the clean voice and of the
    /// noise, <c>noisy − clean</c>. No gradient flows through it: it is a target.
    /// </summary>
    public Tensor IdealFrameGains(Tensor noisy, Tensor clean)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        int latency = Specification.Latency;
        var speechBands = analysis.call(nn.functional.pad(clean, [0, latency]));
        var noiseBands = analysis.call(nn.functional.pad(noisy - clean, [0, latency]));
        return IdealBandGains.OfFrames(speechBands, noiseBands, Specification.Hop).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The band energy of silence: added to every frame's mean square before its logarithm, so that digital silence
    /// (energy 0) has a finite log-energy, about −80 dB below full scale per band, far below the quietest noise trained on.
    /// </summary>
    public const double EnergyFloor = 1e-8;

    /// <summary>
    /// The band energy that scaled features (<see cref="FilterBankCnnSpecification.ScaledFeatures"/>) measure from: −50 dB
    /// below full scale, about the middle of the levels met, from the floor's −80 dB to loud speech's −20 dB.
    /// </summary>
    public const double ReferenceEnergy = 1e-5;

    /// <summary>The gain of every band at every sample, <c>[B, C, N]</c>, from the frames before the sample's frame;
    /// <paramref name="input"/>, the network's input <c>[B, 1, N]</c>, is needed when the gates read its spectrum.</summary>
    public Tensor FrameGains(Tensor bands, Tensor? input = null)
    {
        using var gates = FrameGates(bands, input);
        return PerSample(gates, bands.shape[2]);
    }

    /// <summary>Frame gates <c>[B, C, T]</c> held for their frame's samples: <c>[B, C, N]</c>.</summary>
    private Tensor PerSample(Tensor gates, long samples) => gates.repeat_interleave(Specification.Hop, 2).narrow(2, 0, samples);

    /// <summary>Band signals <c>[B, C, N]</c> times their gates <c>[B, C, T]</c>, each gate held for its frame's samples:
    /// <c>signal ⊙ PerSample(gates)</c>, computed frame by frame so that the gates are never copied out to every sample.</summary>
    private Tensor Gated(Tensor signal, Tensor gates)
    {
        using var scope = NewDisposeScope();
        long n = signal.shape[2];
        var product = Frames.Of(signal, Specification.Hop) * gates.unsqueeze(3);            // [B, C, T, H]
        return product.view(signal.shape[0], signal.shape[1], -1).narrow(2, 0, n).MoveToOuterDisposeScope();
    }

    /// <summary>The gain of every band in every frame, <c>[B, C, T]</c> (frame t: samples tH … tH + H − 1), from the
    /// frames before it; <paramref name="input"/> (<c>[B, 1, N]</c>) as in <see cref="FrameGains"/>. With the pitch comb
    /// <c>[B, 2C, T]</c>: the bands' gates, then those of the bands one period back.</summary>
    public Tensor FrameGates(Tensor bands, Tensor? input = null)
    {
        using var scope = NewDisposeScope();
        return Gates(Hear(bands, input)).MoveToOuterDisposeScope();
    }

    /// <summary>What the gate network hears of the input: its bands, the spectrum's lowest bins (or null) and, with the
    /// comb, the bands of the input one period back (or null).</summary>
    private sealed record Heard(Tensor Bands, Tensor? Power, Tensor? PastBands);

    private Heard Hear(Tensor bands, Tensor? input)
    {
        var s = Specification;
        if (s.SpectrumBins == 0) return new Heard(bands, null, null);
        if (input is null) throw new ArgumentException("this network's gates read its input's spectrum: pass the input too");
        var power = LowSpectrum.Power(input, s.SpectrumWindow, s.Hop, s.SpectrumBins);
        if (!s.HasPitchComb) return new Heard(bands, power, null);
        var periods = PitchComb.Periods(power, s.SpectrumWindow, s.PitchShortestLag, s.PitchLongestLag);
        var past = analysis.call(PitchComb.OnePeriodBack(input, periods, s.Hop, s.PitchLongestLag));
        return new Heard(bands, power, past);
    }

    private Tensor Gates(Heard heard)
    {
        using var scope = NewDisposeScope();
        var bands = heard.Bands;
        int hop = Specification.Hop;
        long frames = Frames.Count(bands.shape[2], hop);
        // Zeros after the end touch only the last frame, whose gains fall beyond N.
        var features = Features(Frames.MeanSquare(bands, hop));
        if (heard.Power is { } power) features = cat([features, Features(power)], 1);
        if (heard.PastBands is { } periodBack)
        {
            // Silence before the first frame repeats itself: no correlation to read there.
            var correlation = PitchComb.Correlation(bands, periodBack, hop);
            var silence = zeros(correlation.shape[0], correlation.shape[1], Specification.FrameReceptiveField, dtype: correlation.dtype, device: correlation.device);
            features = cat([features, cat([silence, correlation], 2)], 1);
        }
        var h = this.input.call(features);
        for (int b = 0; b < dilated.Count; b++)
        {
            long reach = (FilterBankCnnSpecification.BlockTaps - 1) * Specification.Dilations[b];
            var past = nn.functional.pad(h, [reach, 0]);   // zeros in front: frame t sees frames t − reach … t only
            h = h + activations[b].call(dilated[b].call(past));
        }
        int lead = Specification.FrameReceptiveField;
        var frameGains = output.call(h).tanh();                                       // [B, C, lead + T], from frames ≤ t
        return frameGains.narrow(2, lead - 1, frames).MoveToOuterDisposeScope();        // frame t gets the gains of t − 1 (0: of silence)
    }

    /// <summary>
    /// What the gate network reads of frame energies <c>[B, K, T]</c> (the bands', or the spectrum bins'):
    /// <c>[B, K·F, lead + T]</c>, each one's log-energy (in bels with <see cref="FilterBankCnnSpecification.ScaledFeatures"/>)
    /// and, with a noise floor, its level above the floor, after <c>lead</c> frames of digital silence.
    /// </summary>
    private Tensor Features(Tensor energy)
    {
        using var scope = NewDisposeScope();
        // Before the first frame lies digital silence: as many silent frames as one gain can see, each at the floor's
        // log-energy, go in front. Then the first frames' gains are those the network gives after a long silence (what it
        // has met in training), not those of whatever the blocks' zero padding would make of an unheard start.
        int lead = Specification.FrameReceptiveField;
        var logEnergy = (energy + EnergyFloor).log();
        var silence = full(energy.shape[0], energy.shape[1], lead, Math.Log(EnergyFloor), dtype: logEnergy.dtype, device: logEnergy.device);
        var levels = cat([silence, logEnergy], 2);
        var features = Specification.ScaledFeatures ? (levels - Math.Log(ReferenceEnergy)) / Math.Log(10) : levels;
        if (Specification.NoiseFloorFrames > 0)
        {
            // Silence's level above its floor is 0: it is its own floor.
            var aboveFloor = logEnergy - NoiseFloor(energy, Specification.NoiseFloorFrames);
            if (Specification.ScaledFeatures) aboveFloor = aboveFloor / Math.Log(10);
            features = cat([features, cat([zeros_like(silence), aboveFloor], 2)], 1);
        }
        return features.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Below this mean square a band is digitally silent (below a 16-bit recording's resolution): such frames are left
    /// out of the noise floor, so a recording starts the same after digital silence as on its own, and a training crop
    /// the same as a recording's start.
    /// </summary>
    public const double SilentEnergy = 1e-10;

    /// <summary>
    /// Each band's noise floor at every frame, <c>[B, C, T]</c> of log-energies from frame energies <c>[B, C, T]</c>:
    /// the energy averaged over the last <see cref="FilterBankCnnSpecification.FloorSmoothingFrames"/> frames (silence
    /// before the first), then the lowest of those averages over the last <paramref name="window"/> frames, digital
    /// silence left out (minimum
    /// statistics, the classic way of hearing the noise under speech: the quietest moment of the last half second or so
    /// is a pause, and a pause holds only noise). Where a window holds nothing but silence the floor is the frame's own
    /// level. Causal: frame t's floor depends on frames up to t.
    /// </summary>
    public static Tensor NoiseFloor(Tensor energy, int window)
    {
        using var scope = NewDisposeScope();
        int smoothing = FilterBankCnnSpecification.FloorSmoothingFrames;
        // A running mean over the last frames; before the first frame lies digital silence (zeros), as in a file that
        // starts with one, so that both start alike.
        var smoothed = nn.functional.pad(energy, [smoothing - 1, 0]).unfold(2, smoothing, 1).mean([3]);
        var level = (smoothed + EnergyFloor).log();
        // Digital silence counts as +∞ (never the minimum); so do the frames before the first (the padding).
        var heard = level.masked_fill(smoothed.lt(SilentEnergy), double.PositiveInfinity);
        var lowest = RunningMinimum(heard, window);
        return where(lowest.isinf(), level, lowest).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The lowest of the last <paramref name="window"/> values along the last dimension, at every position (+∞ stands
    /// before the first). By doubling: the minimum of 2L values is that of two neighbouring runs of L, so log₂ of the
    /// window passes over the tensor give it, where a sliding window (max_pool1d) compares every value with the whole
    /// window, the noise floor's 250 frames. Minima are exact, so the result is the same to the bit.
    /// </summary>
    public static Tensor RunningMinimum(Tensor values, int window)
    {
        using var scope = NewDisposeScope();
        var lowest = values;
        int span = 1;                                  // lowest: the minimum of the last `span` values
        for (; 2 * span <= window; span *= 2) lowest = minimum(lowest, Earlier(lowest, span));
        // The window is two runs of `span` values, overlapping (span ≤ window < 2·span).
        if (span < window) lowest = minimum(lowest, Earlier(lowest, window - span));
        return (ReferenceEquals(lowest, values) ? values.clone() : lowest).MoveToOuterDisposeScope();

        static Tensor Earlier(Tensor t, int by) =>
            nn.functional.pad(t, [by, 0], value: double.PositiveInfinity).narrow(-1, 0, t.shape[^1]);
    }
}
