namespace Workbook.Data;

/// <summary>
/// Generators for the background noises of the bundled data set and of the synthesized training pairs. Each one is a pure function of its
/// seed, so the data set stores only the seed and regenerates the noise when it is loaded, and every
/// generator returns noise of unit power (mean square 1): the caller scales it to a signal-to-noise
/// ratio (see <see cref="SignalToNoiseRatio"/>). Multiply by a small gain before listening.
/// </summary>
public static class BackgroundNoise
{
    /// <summary>The bundled data set's kinds, in a fixed order (the data generator deals them out in this order).</summary>
    public static IReadOnlyList<NoiseKind> Kinds { get; } = [NoiseKind.White, NoiseKind.Pink, NoiseKind.Brown, NoiseKind.Hum, NoiseKind.Babble];

    /// <summary>The kinds the filter-bank recipe trains on: the bundled ones and level changes and crackle.</summary>
    public static IReadOnlyList<NoiseKind> TrainingKinds { get; } = [.. Kinds, NoiseKind.Fluctuating, NoiseKind.Crackle];

    /// <summary>Kinds never trained on, for scoring how a denoiser does on noise it has not met (tools/rnnoise/compare.cs).</summary>
    public static IReadOnlyList<NoiseKind> HeldOutKinds { get; } = [NoiseKind.Fan];

    /// <summary>
    /// Noise of the given <paramref name="kind"/>, <paramref name="length"/> samples at <paramref name="sampleRate"/>,
    /// drawn from <paramref name="seed"/>. Babble needs <paramref name="talkers"/>: clean utterances of other
    /// speakers to mix (the bundled set uses 3–6 other clips); the other kinds ignore it.
    /// </summary>
    public static float[] Generate(NoiseKind kind, int length, long seed, int sampleRate = PairedClips.LabSampleRate,
        IReadOnlyList<float[]>? talkers = null)
    {
        if (length <= 0) throw new ArgumentOutOfRangeException(nameof(length), length, "noise needs at least one sample");
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "the sample rate must be positive");
        var random = new SeededRandom((ulong)seed);
        return kind switch
        {
            NoiseKind.White => White(length, random),
            NoiseKind.Pink => Pink(length, random),
            NoiseKind.Brown => Brown(length, sampleRate, random),
            // Europe, most of Asia and Africa have 50 Hz mains; the Americas and parts of Asia 60 Hz.
            NoiseKind.Hum => Hum(length, sampleRate, random.NextDouble() < 0.5 ? 50.0 : 60.0, random),
            NoiseKind.Babble => Babble(length, talkers ?? throw new ArgumentException(
                "babble is made from other talkers: pass their clean utterances as talkers", nameof(talkers)), random),
            NoiseKind.Fluctuating => Fluctuating(length, sampleRate, random),
            NoiseKind.Crackle => Crackle(length, sampleRate, random),
            // Blade-pass rates of room and laptop fans and the firing rates of idling engines.
            NoiseKind.Fan => Fan(length, sampleRate, random.Uniform(FanLowestHz, FanHighestHz), random),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown noise kind"),
        };
    }

    /// <summary>White Gaussian noise: independent samples, so every frequency gets the same power.</summary>
    public static float[] White(int length, SeededRandom random)
    {
        var noise = new double[length];
        for (int n = 0; n < length; n++) noise[n] = random.NextGaussian();
        return ToUnitPower(noise);
    }

    /// <summary>
    /// Pink noise: white noise through Paul Kellet's "refined" filter, a sum of seven one-pole low-passes whose
    /// corner frequencies are spread so that together they fall at 3 dB per octave (within ±0.05 dB from
    /// about 0.0002·fs up to near fs/2). The filter is run for a while first so the clip does not start with
    /// its slow sections still charging up.
    /// </summary>
    public static float[] Pink(int length, SeededRandom random)
    {
        const int warmUp = 4096; // the slowest section (pole 0.99886) then lacks only 0.99886^(2·4096) ≈ 1e-4 of its variance
        double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
        var noise = new double[length];
        for (int n = -warmUp; n < length; n++)
        {
            double white = random.NextGaussian();
            b0 = 0.99886 * b0 + white * 0.0555179;
            b1 = 0.99332 * b1 + white * 0.0750759;
            b2 = 0.96900 * b2 + white * 0.1538520;
            b3 = 0.86650 * b3 + white * 0.3104856;
            b4 = 0.55000 * b4 + white * 0.5329522;
            b5 = -0.7616 * b5 - white * 0.0168980;
            double pink = b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362;
            b6 = white * 0.115926;
            if (n >= 0) noise[n] = pink;
        }
        return ToUnitPower(RemoveMean(noise));
    }

    /// <summary>The corner below which brown noise stops rising, so it has no drift (a pure integral would wander off).</summary>
    public const double BrownCornerHz = 10.0;

    /// <summary>
    /// Brown (Brownian, red) noise: white noise integrated, so its power falls at 6 dB per octave. The integrator
    /// leaks (y[n] = a·y[n−1] + w[n] with a just below 1), which is a high-pass at <see cref="BrownCornerHz"/>:
    /// below it the spectrum is flat instead of growing without bound, and the clip has no slow drift.
    /// </summary>
    public static float[] Brown(int length, int sampleRate, SeededRandom random)
    {
        double leak = Math.Exp(-2 * Math.PI * BrownCornerHz / sampleRate);
        int warmUp = (int)Math.Ceiling(10 / (1 - leak)); // ten time constants
        double y = 0;
        var noise = new double[length];
        for (int n = -warmUp; n < length; n++)
        {
            y = leak * y + random.NextGaussian();
            if (n >= 0) noise[n] = y;
        }
        return ToUnitPower(RemoveMean(noise));
    }

    /// <summary>
    /// Mains hum: the mains frequency (<paramref name="mainsHz"/>, 50 or 60, detuned by up to ±0.1 Hz as real mains
    /// are) and its harmonics up to a random order of 6–12, with random phases and amplitudes that fall with the
    /// order; the odd harmonics are the stronger ones, as in the buzz of a transformer or a rectifier.
    /// </summary>
    public static float[] Hum(int length, int sampleRate, double mainsHz, SeededRandom random)
    {
        if (mainsHz <= 0) throw new ArgumentOutOfRangeException(nameof(mainsHz), mainsHz, "the mains frequency must be positive");
        double fundamental = mainsHz + random.Uniform(-0.1, 0.1);
        int harmonics = random.NextInt(6, 12);
        var noise = new double[length];
        for (int k = 1; k <= harmonics; k++)
        {
            double frequency = k * fundamental;
            if (frequency >= sampleRate / 2.0) break; // above Nyquist it would fold back to a wrong frequency
            double amplitude = random.Uniform(0.3, 1.0) / Math.Sqrt(k) * (k % 2 == 1 ? 1.0 : 0.5);
            double phase = random.Uniform(0, 2 * Math.PI);
            // sin(ω(n+1) + φ) = 2 cos ω · sin(ωn + φ) − sin(ω(n−1) + φ): one multiply-add per sample instead of a sine
            // (in double precision the recurrence stays within 1e-11 of the sine over a clip).
            double step = 2 * Math.PI * frequency / sampleRate;
            double twoCos = 2 * Math.Cos(step);
            double previous = Math.Sin(phase - step), current = Math.Sin(phase);
            for (int n = 0; n < length; n++)
            {
                noise[n] += amplitude * current;
                (previous, current) = (current, twoCos * current - previous);
            }
        }
        return ToUnitPower(noise);
    }

    /// <summary>
    /// Babble: the <paramref name="talkers"/>' utterances, each circularly shifted by a random offset (so they do
    /// not start together and speech is spread over the whole clip) and given a random gain of 0.5–1, summed.
    /// </summary>
    public static float[] Babble(int length, IReadOnlyList<float[]> talkers, SeededRandom random)
    {
        if (talkers.Count == 0) throw new ArgumentException("babble needs at least one talker", nameof(talkers));
        var noise = new double[length];
        for (int t = 0; t < talkers.Count; t++)
        {
            var talker = talkers[t];
            if (talker.Length == 0) throw new ArgumentException($"talker {t} has an empty utterance", nameof(talkers));
            int shift = random.NextInt(talker.Length);
            double gain = random.Uniform(0.5, 1.0);
            for (int n = 0; n < length; n++) noise[n] += gain * talker[(n + shift) % talker.Length];
        }
        return ToUnitPower(noise);
    }

    /// <summary>The level range of <see cref="Fluctuating"/> noise, in dB: its loudest moment is this much above its quietest.</summary>
    public const double FluctuationDb = 20;

    /// <summary>
    /// Pink noise at a level that changes over time: the level in dB goes in straight lines between knots 0.1–0.4 s apart,
    /// whose levels are drawn and then spread over exactly <see cref="FluctuationDb"/> (so the quietest knot is that much
    /// below the loudest). A denoiser that estimates the noise from a pause and keeps it must follow such changes.
    /// </summary>
    public static float[] Fluctuating(int length, int sampleRate, SeededRandom random)
    {
        var noise = Pink(length, random);
        var knotAt = new List<int> { 0 };
        while (knotAt[^1] < length - 1) knotAt.Add(Math.Min(length - 1, knotAt[^1] + Math.Max(1, (int)(random.Uniform(0.1, 0.4) * sampleRate))));
        if (knotAt.Count == 2) knotAt.Insert(1, (length - 1) / 2); // at least three knots: a short clip still changes level
        var levels = knotAt.Select(_ => random.NextDouble()).ToArray();
        double low = levels.Min(), high = levels.Max();
        for (int k = 0; k < levels.Length; k++) levels[k] = high > low ? -FluctuationDb * (high - levels[k]) / (high - low) : 0;
        var shaped = new double[length];
        for (int k = 0; k + 1 < knotAt.Count; k++)
            for (int n = knotAt[k]; n <= knotAt[k + 1]; n++)
            {
                double db = levels[k] + (levels[k + 1] - levels[k]) * (n - knotAt[k]) / Math.Max(1, knotAt[k + 1] - knotAt[k]);
                shaped[n] = noise[n] * Math.Pow(10, db / 20);
            }
        return ToUnitPower(shaped);
    }

    /// <summary>
    /// Crackle: clicks at random moments (5–40 a second on average, a Poisson process), each a sharp edge that dies away in
    /// 0.1–1 ms, with a random sign and a size spread over 20 dB, over a hiss 30 dB below the clicks' mean power. Most of the
    /// energy sits in a few per cent of the samples, unlike every other kind.
    /// </summary>
    public static float[] Crackle(int length, int sampleRate, SeededRandom random)
    {
        double clicksPerSecond = random.Uniform(5, 40);
        double decaySamples = random.Uniform(0.0001, 0.001) * sampleRate;
        var noise = new double[length];
        // Exponential gaps between clicks, drawn from the first sample on.
        for (double at = -Math.Log(1 - random.NextDouble()) * sampleRate / clicksPerSecond; at < length;
             at += -Math.Log(1 - random.NextDouble()) * sampleRate / clicksPerSecond)
        {
            double size = (random.NextDouble() < 0.5 ? -1 : 1) * Math.Pow(10, -random.NextDouble());
            for (int n = (int)at, k = 0; n < length && k < 10 * decaySamples + 1; n++, k++) noise[n] += size * Math.Exp(-k / decaySamples);
        }
        double clickPower = noise.Sum(v => v * v) / length;
        // A clip with no click at all is the hiss alone; its level then does not matter (the result is scaled to unit power).
        double hiss = Math.Sqrt((clickPower > 0 ? clickPower : 1) * 1e-3);
        for (int n = 0; n < length; n++) noise[n] += hiss * random.NextGaussian();
        return ToUnitPower(noise);
    }

    /// <summary>The range the fan's blade-pass (or engine's firing) frequency is drawn from, in Hz.</summary>
    public const double FanLowestHz = 80, FanHighestHz = 300;

    /// <summary>
    /// A fan or an engine: lines at <paramref name="bladeHz"/> and its harmonics (3–8 of them, amplitudes falling with the
    /// order) over brown noise, the lines carrying 30–60 % of the power. Like hum, but higher, and with the broadband
    /// rumble of moving air that hum lacks.
    /// </summary>
    public static float[] Fan(int length, int sampleRate, double bladeHz, SeededRandom random)
    {
        if (bladeHz <= 0) throw new ArgumentOutOfRangeException(nameof(bladeHz), bladeHz, "the blade frequency must be positive");
        double tonalShare = random.Uniform(0.3, 0.6);
        int harmonics = random.NextInt(3, 8);
        var lines = new double[length];
        for (int k = 1; k <= harmonics; k++)
        {
            double frequency = k * bladeHz;
            if (frequency >= sampleRate / 2.0) break; // above Nyquist it would fold back to a wrong frequency
            double amplitude = random.Uniform(0.5, 1.0) / k;
            double phase = random.Uniform(0, 2 * Math.PI), step = 2 * Math.PI * frequency / sampleRate;
            for (int n = 0; n < length; n++) lines[n] += amplitude * Math.Sin(step * n + phase);
        }
        var rumble = Brown(length, sampleRate, random);
        var tonal = ToUnitPower(lines);
        var noise = new double[length];
        for (int n = 0; n < length; n++) noise[n] = Math.Sqrt(tonalShare) * tonal[n] + Math.Sqrt(1 - tonalShare) * rumble[n];
        return ToUnitPower(noise);
    }

    private static double[] RemoveMean(double[] noise)
    {
        double mean = noise.Average();
        for (int n = 0; n < noise.Length; n++) noise[n] -= mean;
        return noise;
    }

    /// <summary>Scales to mean square 1 (all-zero stays all-zero) and converts to float32.</summary>
    private static float[] ToUnitPower(double[] noise)
    {
        double power = 0;
        foreach (double v in noise) power += v * v;
        power /= noise.Length;
        double gain = power > 0 ? 1 / Math.Sqrt(power) : 0;
        var result = new float[noise.Length];
        for (int n = 0; n < noise.Length; n++) result[n] = (float)(noise[n] * gain);
        return result;
    }
}
