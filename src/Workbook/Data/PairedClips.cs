using static TorchSharp.torch;

namespace Workbook.Data;

/// <summary>
/// Q pairs of equally long clips at one sample rate: <see cref="Noisy"/> (the network's input x) and
/// <see cref="Clean"/> (its target y), each held as one contiguous float32 tensor <c>[Q, 1, N]</c> so
/// that a batch is a single indexing operation.
/// </summary>
public sealed class PairedClips : IDisposable
{
    /// <summary>The lab's sample rate.</summary>
    public const int LabSampleRate = 16000;

    /// <param name="names">one name per pair (a file name, "pair 17", …), used in messages and players</param>
    /// <param name="noisy">x, <c>[Q, 1, N]</c> float32</param>
    /// <param name="clean">y, <c>[Q, 1, N]</c> float32</param>
    /// <param name="sampleRate">samples per second</param>
    /// <param name="source">where the clips came from, for people: "bundled data set", a path, …</param>
    public PairedClips(IReadOnlyList<string> names, Tensor noisy, Tensor clean, int sampleRate, string source)
    {
        if (noisy.dim() != 3 || noisy.shape[1] != 1)
            throw new ArgumentException($"noisy clips must be [Q, 1, N], but have shape [{string.Join(", ", noisy.shape)}]", nameof(noisy));
        if (!noisy.shape.SequenceEqual(clean.shape))
            throw new ArgumentException(
                $"noisy clips [{string.Join(", ", noisy.shape)}] and clean clips [{string.Join(", ", clean.shape)}] must have the same shape", nameof(clean));
        if (names.Count != noisy.shape[0])
            throw new ArgumentException($"{names.Count} names for {noisy.shape[0]} pairs", nameof(names));
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "the sample rate must be positive");
        Names = names;
        // The set owns its tensors: they must outlive any dispose scope the caller built them in.
        Noisy = noisy.to(float32).contiguous().DetachFromDisposeScope();
        Clean = clean.to(float32).contiguous().DetachFromDisposeScope();
        SampleRate = sampleRate;
        Source = source;
    }

    /// <summary>Builds the set from per-pair clips, checking that each pair (and every pair) has the same length.</summary>
    /// <param name="pairs">(name, x, y) with x and y as sample arrays</param>
    public static PairedClips FromArrays(IReadOnlyList<(string Name, float[] Noisy, float[] Clean)> pairs, int sampleRate, string source)
    {
        if (pairs.Count == 0) throw new InvalidDataException($"{source}: holds no clip pairs");
        int length = pairs[0].Noisy.Length;
        var noisy = new float[pairs.Count * length];
        var clean = new float[pairs.Count * length];
        for (int q = 0; q < pairs.Count; q++)
        {
            var (name, x, y) = pairs[q];
            if (x.Length != y.Length)
                throw new InvalidDataException($"{source}: clip {name}: x has {x.Length} samples, y has {y.Length}");
            if (x.Length != length)
                throw new InvalidDataException(
                    $"{source}: clip {name} has {x.Length} samples but clip {pairs[0].Name} has {length}; all clips of a data set must be equally long");
            if (length == 0) throw new InvalidDataException($"{source}: clip {name} is empty");
            x.CopyTo(noisy, q * length);
            y.CopyTo(clean, q * length);
        }
        return new PairedClips(pairs.Select(p => p.Name).ToArray(),
            tensor(noisy).view(pairs.Count, 1, length), tensor(clean).view(pairs.Count, 1, length), sampleRate, source);
    }

    public IReadOnlyList<string> Names { get; }

    /// <summary>x, <c>[Q, 1, N]</c>.</summary>
    public Tensor Noisy { get; }

    /// <summary>y, <c>[Q, 1, N]</c>.</summary>
    public Tensor Clean { get; }

    public int SampleRate { get; }

    public string Source { get; }

    /// <summary>Q, the number of pairs.</summary>
    public int Count => (int)Noisy.shape[0];

    /// <summary>N, the samples per clip.</summary>
    public long Length => Noisy.shape[2];

    /// <summary>The pairs at <paramref name="indices"/>, in that order, as a new set.</summary>
    public PairedClips Select(IReadOnlyList<long> indices)
    {
        foreach (long i in indices)
            if (i < 0 || i >= Count) throw new ArgumentOutOfRangeException(nameof(indices), i, $"index outside 0..{Count - 1}");
        using var index = tensor(indices.ToArray());
        return new PairedClips(indices.Select(i => Names[(int)i]).ToArray(),
            Noisy.index_select(0, index), Clean.index_select(0, index), SampleRate, Source);
    }

    /// <summary>Moves the clips to a device (for training on a GPU).</summary>
    public PairedClips To(Device device) =>
        new(Names, Noisy.to(device), Clean.to(device), SampleRate, Source);

    public override string ToString() => $"{Count} pairs of {Length} samples at {SampleRate} Hz from {Source}";

    public void Dispose()
    {
        Noisy.Dispose();
        Clean.Dispose();
    }
}
