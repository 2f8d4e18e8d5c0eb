using System.Globalization;
using Workbook.FilterBank;
using Workbook.Networks;
using static TorchSharp.torch;

namespace Workbook.ModelFiles;

/// <summary>
/// What a model may be, wherever it comes from: <c>train</c>'s options, a model file, the handout's state_dict or
/// <c>--init-from</c>. One definition, checked before any training or allocation, so that a network one way accepts is
/// never refused another way (trained, then refused by <c>evaluate</c>), and a small file cannot claim gigabytes.
/// </summary>
/// <remarks>
/// Each bound is far beyond any audio CNN of this workbook (the lab's has 2 layers of 40 taps and 5 features, 400
/// coefficients; the improved one about 30 000) and far below what would exhaust a laptop's memory.
/// </remarks>
public static class ModelLimits
{
    /// <summary>Layers of the lab's CNN, blocks of the improved one.</summary>
    public const int MaxLayers = 64;

    /// <summary>Taps of one filter (a layer's, a band's).</summary>
    public const long MaxTaps = 1 << 16;

    /// <summary>Channels of one layer (the lab's features, the improved CNN's bands and hidden channels): activations
    /// take channels × samples, and 256 channels over a batch of 32 two-second clips at 16 kHz are already 1 GB.</summary>
    public const long MaxFeatures = 256;

    /// <summary>Coefficients in all: 64 MB of float32.</summary>
    public const long MaxParameters = 1 << 24;

    /// <summary>Input samples one output sample may depend on: 4.1 s at 16 kHz, longer than the course's clips, so a
    /// wider view would see only the silence before a clip; it also bounds the history a block-by-block run carries
    /// and the dilations and hop of the improved CNN, which otherwise make <c>evaluate</c> take gigabytes.</summary>
    public const long MaxReceptiveField = 1 << 16;

    /// <summary>The longest pitch period of the improved CNN's comb: 4 Hz at 16 kHz, far below any voice; the comb's lag
    /// table holds bins × lags numbers, at most 256 · 4096 (8 MB).</summary>
    public const long MaxPitchLag = 1 << 12;

    /// <summary>
    /// The largest coefficient magnitude a file may hold. Audio samples are within ±1 and tanh keeps every hidden
    /// layer's input there, so a layer's output is at most taps × features × this = 2^16 · 2^8 · 10^6 ≈ 1.7·10^13, far
    /// inside float32 (3.4·10^38): a network within the limits can never overflow to infinity. A gain of 10^6 (120 dB)
    /// on a single tap is already nothing training on audio produces.
    /// </summary>
    public const float MaxCoefficient = 1e6f;

    /// <summary>Why <paramref name="s"/> is not a model this workbook takes (a phrase to follow "claims" or
    /// "describes"), or null when it is one.</summary>
    public static string? Violation(CnnSpecification s)
    {
        int layers = s.Taps.Count;
        if (layers < 1 || layers > MaxLayers) return $"{layers} layers; a model has 1 to {MaxLayers}";
        if (s.Features.Count != layers + 1) return $"{layers} layers but {s.Features.Count} feature counts (expected {layers + 1})";
        string shape = $"taps [{string.Join(", ", s.Taps)}] and features [{string.Join(", ", s.Features)}]";
        if (s.Taps.Any(k => k < 1 || k > MaxTaps) || s.Features.Any(f => f < 1 || f > MaxFeatures))
            return $"{shape}; each tap count must be 1 to {MaxTaps}, each feature count 1 to {MaxFeatures}";
        if (s.Features[0] != 1 || s.Features[^1] != 1)
            return $"{shape}; a denoiser takes and gives one channel (mono audio), so the first and last feature counts must be 1";
        long receptiveField = 1 + s.Taps.Sum(k => k - 1);   // at most 64 · 2^16: no overflow
        if (receptiveField > MaxReceptiveField)
            return $"{shape}, a receptive field of {receptiveField} samples; at most {MaxReceptiveField} are allowed";
        long parameters = s.ParameterCount;                  // at most 64 · 2^16 · 2^16: no overflow
        return parameters > MaxParameters ? $"{parameters} coefficients; at most {MaxParameters} are allowed" : null;
    }

    /// <summary>The same for the improved CNN (<see cref="FilterBankCnn"/>).</summary>
    public static string? Violation(FilterBankCnnSpecification n)
    {
        if (n.Dilations is null) return "a network without dilations";
        string network = $"a network of {Files.Quoted.Escape(n.ToString(), 200)}";
        if (n.Dilations.Count > MaxLayers) return $"{network}; it may have at most {MaxLayers} blocks";
        if (n.Bands < 1 || n.Bands > MaxFeatures || n.Hidden < 1 || n.Hidden > MaxFeatures)
            return $"{network}; bands and hidden channels must be 1 to {MaxFeatures}";
        if (n.BandTaps < 1 || n.BandTaps > MaxTaps || n.Hop < 1 || n.Hop > MaxReceptiveField || n.Dilations.Any(d => d < 1 || d > MaxReceptiveField))
            return $"{network}; band taps must be 1 to {MaxTaps}, the hop and every dilation 1 to {MaxReceptiveField}";
        if (n.NoiseFloorFrames < 0 || n.NoiseFloorFrames > MaxReceptiveField)
            return $"{network}; the noise floor's window must be 0 to {MaxReceptiveField} frames";
        if (n.Latency < 0 || n.Latency > MaxReceptiveField)
            return $"{network}; the latency must be 0 to {MaxReceptiveField} samples";
        if (n.SpectrumBins < 0 || n.SpectrumBins > MaxFeatures || n.SpectrumWindow < 0 || n.SpectrumWindow > MaxReceptiveField
            || !n.SpectrumWindowHoldsBins)
            return $"{network}; spectrum bins must be 0 to {MaxFeatures}, from a window of the hop to {MaxReceptiveField} samples holding them";
        if (n.PitchLongestLag > MaxPitchLag || !n.PitchLagsFitSpectrum)   // lags that fit are 0 and 0 or at least 1
            return $"{network}; the pitch comb's lags must be 0 and 0 (none) or 1 to {MaxPitchLag} samples, shorter than the spectrum's window, with at least 2 bins";
        long receptiveField = n.ReceptiveField;               // each term bounded above: no overflow
        if (receptiveField > MaxReceptiveField)
            return $"{network}, a receptive field of {receptiveField} samples; at most {MaxReceptiveField} are allowed";
        return n.ParameterCount > MaxParameters ? $"{n.ParameterCount} coefficients; at most {MaxParameters} are allowed" : null;
    }

    /// <summary>Why <paramref name="values"/> is not a tensor of coefficients a model may hold (a NaN, an infinity or a
    /// magnitude above <see cref="MaxCoefficient"/>: the first such element, by its flat index), or null.</summary>
    public static string? CoefficientViolation(Tensor values)
    {
        using var scope = NewDisposeScope();
        using var flat = values.detach().cpu().reshape(-1);
        using var bad = logical_not(isfinite(flat)).logical_or_(flat.abs().gt(MaxCoefficient));
        if (!bad.any().item<bool>()) return null;
        long index = bad.nonzero()[0, 0].item<long>();
        float value = flat[index].item<float>();
        string shown = float.IsNaN(value) ? "NaN" : float.IsInfinity(value) ? (value > 0 ? "+infinity" : "-infinity")
            : value.ToString("G6", CultureInfo.InvariantCulture);
        return float.IsFinite(value)
            ? $"coefficient {index} is {shown}, beyond ±{MaxCoefficient.ToString("G", CultureInfo.InvariantCulture)}"
            : $"coefficient {index} is {shown}; coefficients must be finite";
    }

    /// <summary>Throws, naming <paramref name="source"/> and the tensor, unless every coefficient of <paramref name="model"/> is within bounds.</summary>
    /// <exception cref="InvalidDataException">a coefficient is NaN, infinite or too large</exception>
    public static void RequireSaneCoefficients(nn.Module model, string source)
    {
        foreach (var (name, parameter) in model.named_parameters())
            if (CoefficientViolation(parameter) is string why)
                throw new InvalidDataException($"{source}: {Files.Quoted.Escape(name)}: {why}");
    }
}
