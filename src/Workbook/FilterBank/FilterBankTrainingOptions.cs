using Workbook.Networks;
using Workbook.Fast;
using Workbook.Training;
using Workbook.Data;

namespace Workbook.FilterBank;

/// <summary>What the improved recipe's loss measures.</summary>
public enum FilterBankLoss
{
    /// <summary>Mean |ŷ − y|, the lab's loss.</summary>
    L1,

    /// <summary>−SI-SDR in dB (<see cref="SiSdrLoss"/>).</summary>
    SiSdr,

    /// <summary>−SNR in dB per clip, averaged (<see cref="SiSdrLoss.Snr"/>): like SI-SDR, every clip counts alike, but the
    /// output's gain is held to the clean clip's.</summary>
    Snr,
}

/// <summary>How the improved recipe steps its coefficients.</summary>
public enum FilterBankOptimizer
{
    /// <summary>Adam: a step per coefficient scaled by its own gradient's running size (the recipe).</summary>
    Adam,

    /// <summary>Plain SGD, the lab's optimiser, for comparison.</summary>
    Sgd,
}

/// <summary>
/// The improved recipe's settings (notebook 05, <c>train --recipe improved</c>): the network and how it is trained.
/// Each differs from the lab's on purpose; notebook 05 measures each change's effect.
/// </summary>
public sealed record FilterBankTrainingOptions
{
    /// <summary>The network.</summary>
    public FilterBankCnnSpecification Network { get; init; } = FilterBankCnnSpecification.Default;

    /// <summary>
    /// Passes over the training clips, synthesized ones included: 60 whatever their number. Scored on held-out voices, 250
    /// synthesized clips for 30 epochs (the same Adam steps as 60 epochs of the bundled clips alone) removed less noise
    /// than the bundled clips alone, and for 60 epochs more, at every input SNR (docs/beyond-the-lab.md).
    /// </summary>
    public int Epochs { get; init; } = 60;

    /// <summary>
    /// Clean clips of synthesized speech added to the bundled training clips (bundled set only; see
    /// <see cref="Data.Speech.SynthesizedSpeech"/>): seeded sentences spoken by espeak-ng's English voices and Festival's
    /// kal_diphone, cached on disk after the first run, with fresh noise of the training kinds every epoch. The caller
    /// makes them and hands them over with the fresh noise (<see cref="Data.FreshNoise.WithSynthesizedSpeech"/>), as
    /// <c>train --recipe filter-bank</c> does with <see cref="DefaultSynthesizedClips"/>; 0 (here, and so in notebook 05):
    /// the bundled clips alone, which needs no speech synthesiser.
    /// </summary>
    public int SynthesizedClips { get; init; }

    /// <summary>How many synthesized clips <c>train --recipe filter-bank</c> adds unless told otherwise (docs/beyond-the-lab.md
    /// has the measurement behind it).</summary>
    public const int DefaultSynthesizedClips = 250;

    /// <summary>Seeds the synthesized clips' sentences, voices, pitches and speeds (apart from <see cref="Seed"/>, so runs
    /// with other seeds share the cached clips).</summary>
    public long SpeechSeed { get; init; } = 1;

    /// <summary>The share of synthesized clips heard in a synthetic room each epoch (input and target alike; see <see cref="Data.Reverberation"/>).</summary>
    public double ReverberantShare { get; init; } = 0.3;

    /// <summary>
    /// How many of the lowest bands' filters learn (null: every band's); the others keep the cosine design they start from
    /// (<see cref="CosineFilterBank"/>). Its bands are a third of a kilohertz wide at 16 kHz, too wide to part mains hum and
    /// rumble from a voice's fundamental: the lowest three learn the narrow low-frequency filters those need. When every
    /// band learns, the training mix's low-frequency noise pulls most bands towards 0 Hz and none is left selective enough
    /// to take hiss away (measured on the bundled test pairs: white noise +0.2 dB ΔSNR with every band learning, +3.6 dB
    /// with three; docs/beyond-the-lab.md).
    /// </summary>
    public int? LearnedBands { get; init; } = 3;

    /// <summary>The optimiser.</summary>
    public FilterBankOptimizer Optimizer { get; init; } = FilterBankOptimizer.Adam;

    /// <summary>Adam's step size at the start; a cosine schedule brings it to a twentieth by the last step.</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Clips per Adam step.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Samples of each training clip an Adam step sees (a random stretch, the same for the whole batch); 0: whole clips.
    /// Half a second: the noise floor's window (<see cref="FilterBankCnnSpecification.NoiseFloorFrames"/>) fits in it, so
    /// the network meets floors of every age from none to a full window, as in a recording; half of a whole clip's cost.</summary>
    public int CropLength { get; init; } = 8000;

    /// <summary>Seeds the initial coefficients and the batches.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The loss.</summary>
    public FilterBankLoss Loss { get; init; } = FilterBankLoss.Snr;

    /// <summary>Mix fresh noise onto the clean training clips every epoch (bundled set only; see <see cref="Data.FreshNoise"/>).</summary>
    public bool FreshNoiseEachEpoch { get; init; } = true;

    /// <summary>
    /// The input SNRs and levels of the training pairs when fresh noise is drawn (bundled set only): clean inputs and
    /// 0–30 dB, so the network learns to leave clean speech alone. Null: the manifest's SNRs (0–10 dB) and levels.
    /// </summary>
    public InputSnrMix? InputSnr { get; init; } = InputSnrMix.Default;

    /// <summary>The −SNR loss's ceiling in dB (<see cref="SiSdrLoss.Snr"/>): outputs closer than this to the clean clip count as perfect.</summary>
    public double SnrCeilingDb { get; init; } = 40;

    /// <summary>
    /// Weight of the gain loss added to <see cref="Loss"/> (0: none): the mean square, over every band and frame, between
    /// the gain each band passed with (1 + g) and its ideal gain, √(S / (S + N)) from the clean voice and the noise
    /// (<see cref="FilterBankCnn.IdealFrameGains"/>). The −SNR loss gives one number per clip, dominated by the loud low
    /// bands; the gain loss tells every band in every frame what it should have done, as RNNoise is trained. At 10 a
    /// change of 0.01 in the mean square weighs as much as 0.1 dB of SNR.
    /// </summary>
    public double GainLossWeight { get; init; } = 10;

    /// <summary>
    /// The power the gain loss raises both gains to before comparing them: ((1 + g)^p − ĝ^p)², ĝ the ideal gain. At 1 (the
    /// recipe) the gains themselves. At ½, as RNNoise compares its gains, an error near a closed gain counts more than the
    /// same error near an open one: a band that should pass with a gain of 0.1 but passes with 0.3 costs as much as one
    /// that should pass with 1 but passes with 0.59 (at 1 the second costs four times the first), so the loss asks the
    /// network to close the bands that hold only noise. Measured on held-out voices, ½ takes more away at low input SNRs
    /// through <c>denoise</c> and can leave mild noise worse than it came in (docs/beyond-the-lab.md, "Where RNNoise's lead
    /// lies"), so the recipe keeps 1: <c>train --gain-loss-power 0.5</c> chooses ½.
    /// </summary>
    public double GainLossPower { get; init; } = 1;

    /// <summary>Lower the learning rate along a cosine from <see cref="LearningRate"/> to a twentieth of it.</summary>
    public bool CosineSchedule { get; init; } = true;

    /// <summary>libtorch threads; null: measured at the start (see <see cref="Fast.Threads"/>).</summary>
    public int? Threads { get; init; }

    /// <summary>Where the model and data live during training.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>The TorchSharp device named by <see cref="Device"/>.</summary>
    public TorchSharp.torch.Device ResolveDevice() => Devices.Resolve(Device);

    /// <summary>The recipe as <c>train --recipe improved</c> runs it.</summary>
    public static FilterBankTrainingOptions Default { get; } = new();

    /// <summary>Throws an error naming the first setting that makes no sense.</summary>
    public void Validate()
    {
        Network.Validate();
        if (LearnedBands is int learned && (learned < 0 || learned > Network.Bands))
            throw new ArgumentException($"the learned bands must be 0 to the network's {Network.Bands} (or all), not {learned}");
        if (Epochs < 1) throw new ArgumentException($"epochs must be at least 1, not {Epochs}");
        if (SynthesizedClips < 0) throw new ArgumentException($"the number of synthesized clips must be 0 or more, not {SynthesizedClips}");
        if (!(ReverberantShare >= 0 && ReverberantShare <= 1)) throw new ArgumentException($"the share of reverberant clips must be between 0 and 1, not {ReverberantShare}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"the learning rate must be a positive number, not {LearningRate}");
        if (BatchSize < 1) throw new ArgumentException($"the batch size must be at least 1, not {BatchSize}");
        if (CropLength < 0) throw new ArgumentException($"the crop length must be 0 (whole clips) or positive, not {CropLength}");
        InputSnr?.Validate();
        if (!(SnrCeilingDb > 0)) throw new ArgumentException($"the SNR ceiling must be a positive number of dB or infinity, not {SnrCeilingDb}");
        if (!(GainLossWeight >= 0) || double.IsInfinity(GainLossWeight)) throw new ArgumentException($"the gain loss's weight must be 0 (none) or a positive number, not {GainLossWeight}");
        if (!(GainLossPower > 0) || double.IsInfinity(GainLossPower)) throw new ArgumentException($"the gain loss's power must be a positive number, not {GainLossPower}");
        if (Threads < 1) throw new ArgumentException($"the thread count must be at least 1, not {Threads}");
    }

    public override string ToString() =>
        $"{Network}; {(LearnedBands is int learned && learned < Network.Bands ? $"filters of the lowest {learned} bands learned, the rest fixed; " : "")}{(Optimizer == FilterBankOptimizer.Adam ? "Adam" : "SGD")} lr {LearningRate}{(CosineSchedule ? " (cosine to 1/20)" : "")}, batch {BatchSize}{(CropLength > 0 ? $" crops of {CropLength} samples" : "")}, {Epochs} epochs, " +
        $"loss {Loss switch { FilterBankLoss.SiSdr => "-SI-SDR", FilterBankLoss.Snr => "-SNR", _ => "L1" }}{(GainLossWeight > 0 ? $" + {GainLossWeight} × the gain loss{(GainLossPower == 1 ? "" : $" of gains to the power {GainLossPower}")}" : "")}{(FreshNoiseEachEpoch ? ", fresh noise every epoch" : "")}{(FreshNoiseEachEpoch && InputSnr != null ? $" ({InputSnr})" : "")}" +
        $"{(SynthesizedClips > 0 ? $", {SynthesizedClips} synthesized clips (speech seed {SpeechSeed}, {ReverberantShare * 100:0.#}% reverberant)" : "")}, seed {Seed}";
}
