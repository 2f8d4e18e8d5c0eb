using static TorchSharp.torch;

namespace Workbook.Data;

/// <summary>
/// New noisy versions of the bundled set's training clips, as many as wanted: the same clean clip, the same kind of
/// noise at the same SNR, but noise drawn from another seed. The bundled noises are generated from seeds
/// (<see cref="BackgroundNoise"/>), so a new version costs a few milliseconds and no disk, and a network that sees a
/// new version every epoch cannot learn the noise by heart, only what noise of that kind is like.
/// The test clips are never touched: this class only knows the training clips' indices.
/// </summary>
public sealed class FreshNoise
{
    private readonly BundledManifest manifest;
    private readonly float[][] clean;
    private readonly long[] indices;

    /// <param name="manifest">the bundled set's manifest (<see cref="BundledDataSet.ReadManifest"/>)</param>
    /// <param name="clean">every clean clip of the set, in the manifest's order (babble is made from some of them)</param>
    /// <param name="trainingIndices">the training clips' positions in the set, in the order of the training tensors</param>
    public FreshNoise(BundledManifest manifest, float[][] clean, IReadOnlyList<long> trainingIndices)
    {
        if (clean.Length != manifest.Clips.Count)
            throw new ArgumentException($"{clean.Length} clean clips for a manifest of {manifest.Clips.Count}", nameof(clean));
        this.manifest = manifest;
        this.clean = clean;
        indices = trainingIndices.ToArray();
    }

    /// <summary>For the bundled set split as <see cref="DataSplit.Split"/> splits it.</summary>
    public static FreshNoise ForBundledSplit(int testCount, int splitSeed, string? dataDirectory = null)
    {
        string directory = BundledDataSet.FindDirectory(dataDirectory);
        var manifest = BundledDataSet.ReadManifest(directory);
        var order = DataSplit.Permutation(manifest.Clips.Count, splitSeed);
        return new FreshNoise(manifest, BundledDataSet.ReadCleanClips(manifest, directory), order[testCount..]);
    }

    /// <summary>How many training clips each version holds.</summary>
    public int Count => indices.Length;

    /// <summary>
    /// The seed of version <paramref name="round"/> of a clip whose bundled noise has <paramref name="noiseSeed"/>:
    /// round 0 is the bundled noise itself; other rounds mix the round into the seed (SplitMix64's finaliser),
    /// so neighbouring rounds and clips get unrelated noise.
    /// </summary>
    public static long SeedFor(long noiseSeed, int round)
    {
        if (round == 0) return noiseSeed;
        ulong z = (ulong)noiseSeed + 0x9E3779B97F4A7C15UL * (ulong)round;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (long)(z ^ (z >> 31));
    }

    /// <summary>The noisy training clips of version <paramref name="round"/>, <c>[Q, 1, N]</c>, each at its manifest SNR exactly.</summary>
    public Tensor Noisy(int round)
    {
        int length = manifest.Length;
        var noisy = new float[indices.Length * length];
        Parallel.For(0, indices.Length, i =>
        {
            var clip = manifest.Clips[(int)indices[i]];
            var noise = BackgroundNoise.Generate(clip.Noise, length, SeedFor(clip.NoiseSeed, round), manifest.SampleRate,
                clip.Talkers.Select(t => clean[t]).ToArray());
            SignalToNoiseRatio.AddNoise(clean[clip.Index], noise, clip.SnrDb).CopyTo(noisy, i * length);
        });
        return tensor(noisy).view(indices.Length, 1, length);
    }

    /// <summary>
    /// Version <paramref name="round"/> of the training pairs with the input SNRs and levels of <paramref name="mix"/>
    /// instead of the manifest's: per clip a seeded draw (from the clip's noise seed and the round) picks clean or an
    /// SNR and a gain; the clip's kind of noise, drawn afresh, is added at that SNR, and noisy and clean are scaled alike.
    /// Returns both, <c>[Q, 1, N]</c> each, in the order of the training clips.
    /// </summary>
    public (Tensor Noisy, Tensor Clean) Mixed(int round, InputSnrMix mix)
    {
        mix.Validate();
        int length = manifest.Length;
        var noisy = new float[indices.Length * length];
        var scaled = new float[indices.Length * length];
        Parallel.For(0, indices.Length, i =>
        {
            var clip = manifest.Clips[(int)indices[i]];
            long seed = SeedFor(clip.NoiseSeed, round);
            // Its own stream of draws, apart from the noise's: the same SNR and level whatever the noise generator does.
            var (snr, gainDb) = mix.Draw(new SeededRandom((ulong)SeedFor(seed, MixRound)));
            float gain = (float)Math.Pow(10, gainDb / 20);
            var speech = clean[clip.Index];
            float[] input = snr is double db
                ? SignalToNoiseRatio.AddNoise(speech, BackgroundNoise.Generate(clip.Noise, length, seed, manifest.SampleRate,
                    clip.Talkers.Select(t => clean[t]).ToArray()), db)
                : (float[])speech.Clone();
            for (int n = 0; n < length; n++)
            {
                noisy[i * length + n] = gain * input[n];
                scaled[i * length + n] = gain * speech[n];
            }
        });
        return (tensor(noisy).view(indices.Length, 1, length), tensor(scaled).view(indices.Length, 1, length));
    }

    /// <summary>The round mixed into a noise seed to seed a clip's SNR and level draw.</summary>
    private const int MixRound = 0x5EED;
}
