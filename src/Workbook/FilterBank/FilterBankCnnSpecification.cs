namespace Workbook.FilterBank;

/// <summary>
/// The architecture of <see cref="FilterBankCnn"/>: a causal learned filter bank whose channels are gated, frame by
/// frame, by a small dilated CNN, added to the input as a correction. Everything needed to rebuild the network.
/// </summary>
/// <param name="Bands">C, the channels of the analysis and synthesis filter banks</param>
/// <param name="BandTaps">taps of each analysis and each synthesis filter (the lab's layers have 40)</param>
/// <param name="Hop">samples per frame of the gate network: the gains change every <c>Hop</c> samples</param>
/// <param name="Hidden">channels inside the gate network</param>
/// <param name="Dilations">one residual block per entry, each a causal 3-tap convolution over frames with this dilation</param>
public sealed record FilterBankCnnSpecification(int Bands, int BandTaps, int Hop, int Hidden, IReadOnlyList<int> Dilations)
{
    /// <summary>
    /// True (the recipe): the output is the input plus the correction, so the network starts as the identity and learns
    /// only what to change. False: the output is the correction alone (notebook 05's table measures the difference).
    /// </summary>
    public bool Residual { get; init; } = true;

    /// <summary>
    /// Frames over which each band's noise floor is tracked (0: no noise floor, the gate network sees log-energies
    /// only). With a window, the gate network also sees each band's log-energy above its floor: the lowest smoothed
    /// log-energy of the last <c>NoiseFloorFrames</c> frames, which in speech with pauses is the noise's level. The
    /// network's own blocks see a few hundred milliseconds at most, often less than a word, so without it they cannot
    /// tell steady noise from a sustained vowel.
    /// </summary>
    public int NoiseFloorFrames { get; init; }

    /// <summary>
    /// Samples by which the output lags the input in real time (0: none; the recipe: <c>BandTaps − 1</c>). The correction
    /// comes through an analysis and a synthesis filter; to take a band away from the input it must arrive in step with
    /// it, and filters that select a band well (symmetric ones, linear phase) delay it by half their length each. With a
    /// latency the residual path waits as long, and the network estimates the clean sample that many samples back;
    /// <c>forward</c> moves the result back into step (a look-ahead of this many samples, as RNNoise has 10 ms).
    /// </summary>
    public int Latency { get; init; }

    /// <summary>
    /// True (the recipe): the gate network reads log-energies in bels (tens of dB) from
    /// <see cref="FilterBankCnn.ReferenceEnergy"/>, so its inputs are a few units either side of 0. False (files written
    /// before the flag): natural logarithms of the energies themselves, which sit near −12 a few units apart; a 1×1
    /// convolution then mostly sees their shared offset, and with the cosine bank held fixed the gates learnt nothing
    /// (measured in docs/beyond-the-lab.md).
    /// </summary>
    public bool ScaledFeatures { get; init; }

    /// <summary>Frames over which a band's energy is averaged before its floor is taken: a 2 ms frame's energy of a few
    /// dozen samples scatters widely, and the minimum of scattered values sits far below their mean.</summary>
    public const int FloorSmoothingFrames = 8;

    /// <summary>Channels the gate network reads per band: the log-energy, and with a noise floor the level above it.</summary>
    public int FeaturesPerBand => NoiseFloorFrames > 0 ? 2 : 1;

    /// <summary>
    /// How many of the lowest bins of the input's short-time spectrum (<see cref="LowSpectrum"/>) the gate network also
    /// reads, each as a band is read (its level in bels and, with a noise floor, its level above its floor); 0: none (files
    /// written before have none). The recipe: 32 bins of a 512-sample window, 0–1 kHz at 16 kHz in steps of 31 Hz, where
    /// hum, rumble and a fan's lines lie beside a voice's fundamental and the bands are too wide to part them. More bins
    /// (64, or the whole spectrum) cost the network on white noise (measured in docs/beyond-the-lab.md).
    /// </summary>
    public int SpectrumBins { get; init; }

    /// <summary>Samples of the Hann window of the spectrum's bins (<see cref="SpectrumBins"/>), ending with each frame.</summary>
    public int SpectrumWindow { get; init; }

    /// <summary>
    /// The shortest and longest pitch period, in samples, of the comb (<see cref="PitchComb"/>): the network may add each
    /// band of the input one period back to the band, with a gain of its own. 0 and 0 (files written before have none):
    /// no comb. Needs the spectrum's bins, from which the period is found. The recipe: 20 … 256 samples, 800 Hz down to
    /// 62.5 Hz at 16 kHz, RNNoise's range.
    /// </summary>
    public int PitchShortestLag { get; init; }

    /// <inheritdoc cref="PitchShortestLag"/>
    public int PitchLongestLag { get; init; }

    /// <summary>True when the network has the pitch comb.</summary>
    public bool HasPitchComb => PitchLongestLag > 0;

    /// <summary>True when the comb's lags make sense: none, or 1 ≤ shortest ≤ longest &lt; the spectrum's window, with at
    /// least two bins to find the period in.</summary>
    public bool PitchLagsFitSpectrum => (PitchShortestLag == 0 && PitchLongestLag == 0)
        || (PitchShortestLag >= 1 && PitchShortestLag <= PitchLongestLag && PitchLongestLag < SpectrumWindow && SpectrumBins >= 2);

    /// <summary>Gains the gate network gives per frame: one per band, and with the comb one more per band for the band one
    /// period back.</summary>
    public int GateOutputs => HasPitchComb ? 2 * Bands : Bands;

    /// <summary>True when the spectrum's window can give its bins: none are read, or the window is at least a hop long
    /// (every frame's samples fall in its window) and holds them (a window of W samples has W/2 + 1 bins).</summary>
    public bool SpectrumWindowHoldsBins => SpectrumBins == 0 || (SpectrumWindow >= Hop && SpectrumBins <= SpectrumWindow / 2 + 1);

    /// <summary>Channels of the gate network's input: the bands' features and the spectrum bins' features, and with the
    /// comb each band's correlation with itself one period back.</summary>
    public int InputChannels => (Bands + SpectrumBins) * FeaturesPerBand + (HasPitchComb ? Bands : 0);

    /// <summary>How many input samples before a frame's first its features depend on: the analysis filter's reach, or
    /// the spectrum's window's beyond the frame, whichever is longer.</summary>
    public int FeatureLead => SpectrumBins > 0 ? Math.Max(BandTaps - 1, SpectrumWindow - Hop) : BandTaps - 1;

    /// <summary>How many past frames one frame's features depend on (its own included).</summary>
    public int FeatureFrames => NoiseFloorFrames > 0 ? NoiseFloorFrames + FloorSmoothingFrames - 1 : 1;

    /// <summary>Taps of each block's convolution over frames.</summary>
    public const int BlockTaps = 3;

    /// <summary>The recipe's network: 24 bands of 48 taps, gains every 32 samples (2 ms at 16 kHz) from 8 blocks of 32
    /// channels reading scaled log-energies of the bands and of the spectrum's 32 lowest bins (a 512-sample window), a
    /// noise floor over 250 frames (half a second), a pitch comb of 20–256 samples and a latency of 47 samples (2.9 ms).</summary>
    public static FilterBankCnnSpecification Default { get; } = new(24, 48, 32, 32, [1, 2, 4, 8, 1, 2, 4, 8])
    {
        NoiseFloorFrames = 250, Latency = 47, ScaledFeatures = true, SpectrumBins = 32, SpectrumWindow = 512,
        PitchShortestLag = 20, PitchLongestLag = 256,
    };

    /// <summary>How many past frames of features one gain sees: 1 + Σ (taps − 1)·dilation.</summary>
    public int FrameReceptiveField => 1 + Dilations.Sum(d => (BlockTaps - 1) * d);

    /// <summary>How many past frames of log-energies one gain depends on: its features' frames and theirs.</summary>
    public int EnergyFrames => FrameReceptiveField + FeatureFrames - 1;

    /// <summary>
    /// How many input samples one output sample of the causal network (<see cref="FilterBankCnn.Delayed"/>) depends on
    /// (the current one included): the analysis filter (or the spectrum's window), the
    /// frames the gain sees (plus the frame of delay that keeps it causal) and the synthesis filter.
    /// </summary>
    public long ReceptiveField => FeatureLead + (long)(EnergyFrames + 1) * Hop + (BandTaps - 1);

    /// <summary>
    /// The learnable coefficients: the two filter banks (2·K·C), the gate network's 1×1 convolutions in ((C + S)·F·H + H,
    /// S spectrum bins, F features per band or bin, and with the comb C·H more) and
    /// out (H·C + C, twice that with the comb), and per block a 3-tap convolution (3·H·H + H) and a PReLU slope per channel (H).
    /// </summary>
    public long ParameterCount => 2L * BandTaps * Bands + ((long)InputChannels * Hidden + Hidden) + ((long)Hidden * GateOutputs + GateOutputs)
                                 + Dilations.Count * ((long)BlockTaps * Hidden * Hidden + 2L * Hidden);

    /// <summary>Input samples a block-by-block run must carry over so that every output sees what it would in one pass:
    /// the receptive field rounded up to whole frames, so the blocks' frames fall where the whole file's do.</summary>
    public long History => (ReceptiveField + Hop - 1) / Hop * Hop;

    /// <summary>Throws an error naming the first entry that makes no sense.</summary>
    public void Validate()
    {
        if (Bands < 1) throw new ArgumentException($"the filter bank needs at least one band, not {Bands}");
        if (BandTaps < 1) throw new ArgumentException($"a band filter needs at least one tap, not {BandTaps}");
        if (Hop < 1) throw new ArgumentException($"the hop must be at least one sample, not {Hop}");
        if (Hidden < 1) throw new ArgumentException($"the gate network needs at least one channel, not {Hidden}");
        if (Dilations.Any(d => d < 1)) throw new ArgumentException($"dilations must be at least 1, not [{string.Join(", ", Dilations)}]");
        if (Latency < 0) throw new ArgumentException($"the latency must be 0 or more samples, not {Latency}");
        if (NoiseFloorFrames < 0) throw new ArgumentException($"the noise floor's window must be 0 (none) or a number of frames, not {NoiseFloorFrames}");
        if (SpectrumBins < 0) throw new ArgumentException($"the spectrum bins must be 0 (none) or more, not {SpectrumBins}");
        if (!SpectrumWindowHoldsBins)
            throw new ArgumentException($"{SpectrumBins} spectrum bins need a window of at least the hop ({Hop}) and {2 * (SpectrumBins - 1)} samples, not {SpectrumWindow}");
        if (!PitchLagsFitSpectrum)
            throw new ArgumentException($"the pitch comb's lags must be 0 and 0 (none) or run from at least 1 to below the spectrum's window ({SpectrumWindow}) with at least 2 bins, not {PitchShortestLag}…{PitchLongestLag} with {SpectrumBins}");
    }

    public override string ToString() =>
        $"{Bands} bands of {BandTaps} taps, gains every {Hop} samples from {Dilations.Count} blocks of {Hidden} channels (dilations [{string.Join(", ", Dilations)}])" +
        (NoiseFloorFrames > 0 ? $", noise floor over {NoiseFloorFrames} frames" : "") +
        (Latency > 0 ? $", latency {Latency} samples" : "") +
        (ScaledFeatures ? ", scaled features" : "") +
        (SpectrumBins > 0 ? $", the lowest {SpectrumBins} spectrum bins of a {SpectrumWindow}-sample window" : "") +
        (HasPitchComb ? $", a pitch comb of {PitchShortestLag}–{PitchLongestLag} samples" : "") +
        (Residual ? "" : ", no residual path");

    public bool Equals(FilterBankCnnSpecification? other) =>
        other is not null && Bands == other.Bands && BandTaps == other.BandTaps && Hop == other.Hop && Hidden == other.Hidden
        && Dilations.SequenceEqual(other.Dilations) && Residual == other.Residual && NoiseFloorFrames == other.NoiseFloorFrames && Latency == other.Latency
        && ScaledFeatures == other.ScaledFeatures && SpectrumBins == other.SpectrumBins && SpectrumWindow == other.SpectrumWindow
        && PitchShortestLag == other.PitchShortestLag && PitchLongestLag == other.PitchLongestLag;

    public override int GetHashCode() => HashCode.Combine(HashCode.Combine(Bands, BandTaps, Hop, Hidden, Dilations.Count), Residual, NoiseFloorFrames, Latency, ScaledFeatures, SpectrumBins, HashCode.Combine(SpectrumWindow, PitchShortestLag, PitchLongestLag));
}
