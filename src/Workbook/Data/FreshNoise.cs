using static TorchSharp.torch;

namespace Workbook.Data;

/// <summary>
/// New noisy versions of the bundled set's training clips, as many as wanted: the same clean clip, the same kind of
/// noise at the same SNR, but noise drawn from another seed. The bundled noises are generated from seeds
/// (<see cref="BackgroundNoise"/>), so a new version costs a few milliseconds and no disk, and a network that sees a
/// new version every epoch cannot learn the noise by heart, only what noise of that kind is like.
/// The test clips are never touched: this class only knows the training clips' indices.
/// Synthesized speech can be added after the bundled training clips (<see cref="WithSynthesizedSpeech"/>): each such clip
/// gets, every round, a kind of noise drawn from <see cref="BackgroundNoise.TrainingKinds"/> and, for a share of them,
/// a room's echo (<see cref="Reverberation"/>) that input and target share.
/// </summary>
public sealed class FreshNoise
{
    private readonly BundledManifest manifest;
    private readonly float[][] clean;
    private readonly long[] indices;
    private readonly float[][] synthesized;
    private readonly double reverberantShare;

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
        synthesized = [];
    }

    private FreshNoise(FreshNoise bundled, float[][] synthesized, double reverberantShare)
    {
        manifest = bundled.manifest;
        clean = bundled.clean;
        indices = bundled.indices;
        this.synthesized = synthesized;
        this.reverberantShare = reverberantShare;
    }

    /// <summary>
    /// These training clips followed by <paramref name="speech"/> (clean clips of the bundled length, e.g. from
    /// <see cref="Speech.SynthesizedSpeech"/>), a share <paramref name="reverberantShare"/> of which are heard in a room
    /// each round. Their noise is drawn per clip and round from the clip's position, so it is the same on every run.
    /// </summary>
    public FreshNoise WithSynthesizedSpeech(IReadOnlyList<float[]> speech, double reverberantShare)
    {
        if (!(reverberantShare >= 0 && reverberantShare <= 1))
            throw new ArgumentException($"the share of reverberant clips must be between 0 and 1, not {reverberantShare}", nameof(reverberantShare));
        for (int j = 0; j < speech.Count; j++)
            if (speech[j].Length != manifest.Length)
                throw new ArgumentException($"synthesized clip {j} has {speech[j].Length} samples, the bundled clips {manifest.Length}", nameof(speech));
        return new FreshNoise(this, [.. synthesized, .. speech], reverberantShare);
    }

    /// <summary>
    /// <paramref name="bundledTraining"/> (the bundled training pairs, in this object's order) followed by the synthesized
    /// clips, clean and with their round-0 noise: the training set <see cref="FilterBank.FilterBankRecipe"/> is given
    /// together with this object.
    /// </summary>
    public PairedClips TrainingPairs(PairedClips bundledTraining)
    {
        if (bundledTraining.Count != indices.Length)
            throw new ArgumentException($"{bundledTraining.Count} training pairs, but {indices.Length} bundled training clips", nameof(bundledTraining));
        if (synthesized.Length == 0) return new PairedClips(bundledTraining.Names, bundledTraining.Noisy.clone(), bundledTraining.Clean.clone(), bundledTraining.SampleRate, bundledTraining.Source);
        int length = manifest.Length;
        var noisy = new float[synthesized.Length * length];
        var target = new float[synthesized.Length * length];
        Parallel.For(0, synthesized.Length, j =>
        {
            var (input, speech) = SynthesizedPair(j, 0, null);
            input.CopyTo(noisy, j * length);
            speech.CopyTo(target, j * length);
        });
        using var extraNoisy = tensor(noisy).view(synthesized.Length, 1, length);
        using var extraClean = tensor(target).view(synthesized.Length, 1, length);
        var names = bundledTraining.Names.Concat(Enumerable.Range(0, synthesized.Length).Select(j => $"synthesized {j}")).ToArray();
        return new PairedClips(names, cat([bundledTraining.Noisy, extraNoisy], 0), cat([bundledTraining.Clean, extraClean], 0),
            bundledTraining.SampleRate, $"{bundledTraining.Source} and {synthesized.Length} synthesized clips");
    }

    /// <summary>How many of the training clips are synthesized speech (they come after the bundled ones).</summary>
    public int SynthesizedCount => synthesized.Length;

    /// <summary>
    /// Synthesized clip <paramref name="j"/>'s pair in round <paramref name="round"/>: the speech (in a drawn room for a share
    /// of clip-rounds when <paramref name="mayReverberate"/>: only <see cref="Mixed"/>, which returns the target with the
    /// input, does; <see cref="Noisy"/> is trained against the dry clean clips) and the speech plus a drawn training kind of
    /// noise at <paramref name="snrDb"/> (null: 0–10 dB drawn, as the bundled set's; <paramref name="noiseless"/>: none).
    /// Returns the input and the target, which is the speech as the room made it: a denoiser's target, not a dereverberator's.
    /// </summary>
    private (float[] Input, float[] Target) SynthesizedPair(int j, int round, double? snrDb, bool noiseless = false, bool mayReverberate = false)
    {
        int length = manifest.Length;
        var random = new SeededRandom((ulong)SeedFor(SynthesizedSeed(j), round));
        var kind = random.Choose(BackgroundNoise.TrainingKinds);
        bool reverberant = random.NextDouble() < reverberantShare;
        long roomSeed = (long)random.NextUInt64(), noiseSeed = (long)random.NextUInt64();
        double drawnSnr = random.Uniform(0, 10);
        float[][]? talkers = null;
        if (kind == NoiseKind.Babble)
        {
            // Other speakers of the training clips, bundled or synthesized (never a test clip, never the clip itself).
            int others = random.NextInt(3, 6), pool = indices.Length + synthesized.Length;
            talkers = Enumerable.Range(0, others).Select(_ =>
            {
                int t = random.NextInt(pool - 1);
                if (t >= indices.Length + j) t++;
                return t < indices.Length ? clean[indices[t]] : synthesized[t - indices.Length];
            }).ToArray();
        }
        var speech = reverberant && mayReverberate ? Reverberation.Apply(synthesized[j], Reverberation.ImpulseResponse(roomSeed, manifest.SampleRate)) : synthesized[j];
        if (noiseless) return ((float[])speech.Clone(), speech);
        var noise = BackgroundNoise.Generate(kind, length, noiseSeed, manifest.SampleRate, talkers);
        return (SignalToNoiseRatio.AddNoise(speech, noise, snrDb ?? drawnSnr), speech);
    }

    /// <summary>The noise seed of synthesized clip <paramref name="j"/>, apart from every bundled clip's (those are below 2³¹).</summary>
    private static long SynthesizedSeed(int j) => SeedFor(0x5EED5BEEC, j + 1);

    /// <summary>For the bundled set split as <see cref="DataSplit.Split"/> splits it.</summary>
    public static FreshNoise ForBundledSplit(int testCount, int splitSeed, string? dataDirectory = null)
    {
        string directory = BundledDataSet.FindDirectory(dataDirectory);
        var manifest = BundledDataSet.ReadManifest(directory);
        var order = DataSplit.Permutation(manifest.Clips.Count, splitSeed);
        return new FreshNoise(manifest, BundledDataSet.ReadCleanClips(manifest, directory), order[testCount..]);
    }

    /// <summary>How many training clips each version holds (the bundled ones, then the synthesized ones).</summary>
    public int Count => indices.Length + synthesized.Length;

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
        var noisy = new float[Count * length];
        Parallel.For(0, Count, i =>
        {
            if (i >= indices.Length)
            {
                SynthesizedPair(i - indices.Length, round, null).Input.CopyTo(noisy, i * length);
                return;
            }
            var clip = manifest.Clips[(int)indices[i]];
            var noise = BackgroundNoise.Generate(clip.Noise, length, SeedFor(clip.NoiseSeed, round), manifest.SampleRate,
                clip.Talkers.Select(t => clean[t]).ToArray());
            SignalToNoiseRatio.AddNoise(clean[clip.Index], noise, clip.SnrDb).CopyTo(noisy, i * length);
        });
        return tensor(noisy).view(Count, 1, length);
    }

    /// <summary>
    /// Version <paramref name="round"/> of the training pairs with the input SNRs and levels of <paramref name="mix"/>
    /// instead of the manifest's: per clip a seeded draw (from the clip's noise seed and the round) picks clean or an
    /// SNR and a gain; the clip's kind of noise (for a synthesized clip, a training kind drawn for the round), drawn afresh,
    /// is added at that SNR, and noisy and clean are scaled alike.
    /// Returns both, <c>[Q, 1, N]</c> each, in the order of the training clips.
    /// </summary>
    public (Tensor Noisy, Tensor Clean) Mixed(int round, InputSnrMix mix)
    {
        mix.Validate();
        int length = manifest.Length;
        var noisy = new float[Count * length];
        var scaled = new float[Count * length];
        Parallel.For(0, Count, i =>
        {
            bool bundled = i < indices.Length;
            var clip = bundled ? manifest.Clips[(int)indices[i]] : null;
            long seed = bundled ? SeedFor(clip!.NoiseSeed, round) : SeedFor(SynthesizedSeed(i - indices.Length), round);
            // Its own stream of draws, apart from the noise's: the same SNR and level whatever the noise generator does.
            var (snr, gainDb) = mix.Draw(new SeededRandom((ulong)SeedFor(seed, MixRound)));
            float gain = (float)Math.Pow(10, gainDb / 20);
            float[] speech, input;
            if (!bundled)
                (input, speech) = SynthesizedPair(i - indices.Length, round, snr, noiseless: snr == null, mayReverberate: true);
            else
            {
                speech = clean[clip!.Index];
                input = snr is double db
                    ? SignalToNoiseRatio.AddNoise(speech, BackgroundNoise.Generate(clip.Noise, length, seed, manifest.SampleRate,
                        clip.Talkers.Select(t => clean[t]).ToArray()), db)
                    : (float[])speech.Clone();
            }
            for (int n = 0; n < length; n++)
            {
                noisy[i * length + n] = gain * input[n];
                scaled[i * length + n] = gain * speech[n];
            }
        });
        return (tensor(noisy).view(Count, 1, length), tensor(scaled).view(Count, 1, length));
    }

    /// <summary>The round mixed into a noise seed to seed a clip's SNR and level draw.</summary>
    private const int MixRound = 0x5EED;
}
