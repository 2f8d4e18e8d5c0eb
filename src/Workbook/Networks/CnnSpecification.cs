using Workbook.Fast;
namespace Workbook.Networks;

/// <summary>
/// The architecture of a MIMO CNN (Task 3): L layers, layer l with taps[l] taps mapping features[l] to
/// features[l+1] channels. Everything needed to rebuild a network, so a saved model carries it.
/// </summary>
/// <param name="Taps">[K1 … KL]</param>
/// <param name="Features">[F0 … FL]: F0 channels in, FL channels out</param>
/// <param name="Tanh">where tanh is applied</param>
public sealed record CnnSpecification(IReadOnlyList<long> Taps, IReadOnlyList<long> Features, TanhPlacement Tanh = TanhPlacement.BetweenLayers)
{
    /// <summary>The lab's Task 4 denoiser: features [1, 5, 1], taps [40, 40].</summary>
    public static CnnSpecification LabDenoiser { get; } = new(new long[] { 40, 40 }, new long[] { 1, 5, 1 });

    /// <summary>L, the number of layers.</summary>
    public int Layers => Taps.Count;

    /// <summary>Total number of coefficients: Σ_l K_l · F_{l−1} · F_l (the layers have no biases).</summary>
    public long ParameterCount => Enumerable.Range(0, Layers).Sum(l => Taps[l] * Features[l] * Features[l + 1]);

    /// <summary>Checks the specification against L and throws an error that names the mismatch.</summary>
    public void Validate(int L)
    {
        if (L < 1) throw new ArgumentOutOfRangeException(nameof(L), L, "a CNN needs at least one layer (L >= 1)");
        if (Taps.Count != L)
            throw new ArgumentException($"taps has {Taps.Count} entries but L = {L}: give one tap count per layer");
        if (Features.Count != L + 1)
            throw new ArgumentException($"features has {Features.Count} entries but L + 1 = {L + 1}: give F0 (input) and one count per layer");
        for (int l = 0; l < L; l++)
            if (Taps[l] < 1) throw new ArgumentException($"taps[{l}] = {Taps[l]}: every layer needs at least one tap");
        for (int l = 0; l <= L; l++)
            if (Features[l] < 1) throw new ArgumentException($"features[{l}] = {Features[l]}: every layer needs at least one feature channel");
    }

    /// <summary>Like <c>taps [40, 40], features [1, 5, 1], tanh between layers</c>.</summary>
    public override string ToString() =>
        $"taps [{string.Join(", ", Taps)}], features [{string.Join(", ", Features)}], tanh {(Tanh == TanhPlacement.BetweenLayers ? "between layers" : "after every layer")}";

    public bool Equals(CnnSpecification? other) =>
        other is not null && Taps.SequenceEqual(other.Taps) && Features.SequenceEqual(other.Features) && Tanh == other.Tanh;

    public override int GetHashCode() => HashCode.Combine(Layers, Tanh, ParameterCount);
}
