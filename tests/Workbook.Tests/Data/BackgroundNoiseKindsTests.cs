using Workbook.Data;

namespace Workbook.Tests.Data;

/// <summary>
/// The noise kinds beyond the bundled set's (level changes, crackle, fan) and synthetic reverberation: each has the
/// property its documentation names, unit power, and depends only on its seed; and the bundled kinds still generate
/// exactly what they did before these were added.
/// </summary>
public class BackgroundNoiseKindsTests
{
    private const int Rate = PairedClips.LabSampleRate;
    private static readonly NoiseKind[] NewKinds = [NoiseKind.Fluctuating, NoiseKind.Crackle, NoiseKind.Fan];

    [Theory]
    // Samples 0, 777 and 1999 of 2000 at 16 kHz from seed 20261206 (babble: two copies of the talker below), as generated
    // before any kind was added to NoiseKind.
    [InlineData(NoiseKind.White, -0.38417497f, -0.40351087f, 2.3219576f)]
    [InlineData(NoiseKind.Pink, 0.43948275f, -0.8918178f, 0.3090807f)]
    [InlineData(NoiseKind.Brown, -0.5561827f, 0.46390015f, -0.8372355f)]
    [InlineData(NoiseKind.Hum, -1.2323327f, 1.2865143f, 0.22576413f)]
    [InlineData(NoiseKind.Babble, 1.0855744f, 0.027703254f, 0.9145336f)]
    public void Bundled_kinds_generate_exactly_what_they_did(NoiseKind kind, float first, float middle, float last)
    {
        var talker = new float[3000];
        for (int i = 0; i < talker.Length; i++) talker[i] = (float)Math.Sin(i * 0.05) * (i % 7);
        var noise = BackgroundNoise.Generate(kind, 2000, 20261206, Rate, [talker, talker]);
        Assert.Equal([first, middle, last], new[] { noise[0], noise[777], noise[1999] });
    }

    [Fact]
    public void The_bundled_kinds_keep_their_numbers_and_the_held_out_kind_is_not_trained_on()
    {
        Assert.Equal([NoiseKind.White, NoiseKind.Pink, NoiseKind.Brown, NoiseKind.Hum, NoiseKind.Babble], BackgroundNoise.Kinds);
        Assert.Equal([0, 1, 2, 3, 4], BackgroundNoise.Kinds.Select(k => (int)k));
        Assert.NotEmpty(BackgroundNoise.HeldOutKinds);
        Assert.Empty(BackgroundNoise.TrainingKinds.Intersect(BackgroundNoise.HeldOutKinds));
        Assert.Equal(Enum.GetValues<NoiseKind>().Order(), BackgroundNoise.TrainingKinds.Concat(BackgroundNoise.HeldOutKinds).Order());
    }

    [Fact]
    public void New_kinds_have_unit_power_and_depend_only_on_their_seed()
    {
        foreach (var kind in NewKinds)
        {
            var noise = BackgroundNoise.Generate(kind, Rate, 42, Rate);
            Assert.Equal(1.0, noise.Average(v => (double)v * v), 4);
            Assert.Equal(noise, BackgroundNoise.Generate(kind, Rate, 42, Rate));
            Assert.NotEqual(noise, BackgroundNoise.Generate(kind, Rate, 43, Rate));
            Assert.Equal(1.0, BackgroundNoise.Generate(kind, 300, 5, Rate).Average(v => (double)v * v), 4); // short clips too
        }
    }

    /// <summary>Power of each 50 ms frame, in dB.</summary>
    private static double[] FrameLevelsDb(float[] noise) =>
        Enumerable.Range(0, noise.Length / 800).Select(f => 10 * Math.Log10(noise.Skip(f * 800).Take(800).Average(v => (double)v * v))).ToArray();

    [Fact]
    public void Fluctuating_noise_changes_its_level_by_many_dB_within_a_second_and_white_noise_does_not()
    {
        for (int seed = 1; seed <= 5; seed++)
        {
            var levels = FrameLevelsDb(BackgroundNoise.Generate(NoiseKind.Fluctuating, Rate, seed, Rate));
            Assert.InRange(levels.Max() - levels.Min(), 12, BackgroundNoise.FluctuationDb + 4);
        }
        var white = FrameLevelsDb(BackgroundNoise.Generate(NoiseKind.White, Rate, 1, Rate));
        Assert.True(white.Max() - white.Min() < 3);
    }

    /// <summary>Kurtosis E[x⁴]/E[x²]²: 3 for Gaussian noise, large for noise made of rare strong events.</summary>
    private static double Kurtosis(float[] x) => x.Average(v => Math.Pow(v, 4)) / Math.Pow(x.Average(v => (double)v * v), 2);

    [Fact]
    public void Crackle_is_made_of_rare_clicks_holding_most_of_its_energy()
    {
        for (int seed = 1; seed <= 5; seed++)
        {
            var crackle = BackgroundNoise.Generate(NoiseKind.Crackle, Rate, seed, Rate);
            Assert.True(Kurtosis(crackle) > 20, $"seed {seed}: kurtosis {Kurtosis(crackle):F1}");
            var energies = crackle.Select(v => (double)v * v).OrderDescending().ToArray();
            Assert.True(energies.Take(Rate / 20).Sum() > 0.6 * energies.Sum(), $"seed {seed}: the loudest 5 % of samples hold too little");
        }
        Assert.InRange(Kurtosis(BackgroundNoise.Generate(NoiseKind.White, Rate, 1, Rate)), 2.8, 3.2);
    }

    /// <summary>|DFT|² of <paramref name="x"/> at <paramref name="hz"/>, as power of a sine at that frequency (2|X|²/N²).</summary>
    private static double LinePower(float[] x, double hz)
    {
        double re = 0, im = 0, step = 2 * Math.PI * hz / Rate;
        for (int n = 0; n < x.Length; n++) { re += x[n] * Math.Cos(step * n); im -= x[n] * Math.Sin(step * n); }
        return 2 * (re * re + im * im) / ((double)x.Length * x.Length);
    }

    [Fact]
    public void Fan_noise_has_lines_at_the_blade_frequency_and_its_harmonics_over_broadband_rumble()
    {
        var fan = BackgroundNoise.Fan(Rate, Rate, 120, new SeededRandom(9)); // one second: 1 Hz per DFT bin, 120 Hz on a bin
        double lines = 0;
        for (int k = 1; k <= 3; k++)
        {
            double line = LinePower(fan, 120 * k);
            double beside = new[] { -7, -5, -3, 3, 5, 7 }.Average(d => LinePower(fan, 120 * k + d));
            Assert.True(line > 100 * beside, $"harmonic {k}: {line:E2} is not a line over {beside:E2}");
        }
        for (int k = 1; k * 120 < Rate / 2; k++) lines += LinePower(fan, 120 * k);
        Assert.InRange(lines, 0.28, 0.62); // the lines carry 30–60 % of the (unit) power; the rest is broadband rumble
        // The kind's own draw puts the blade frequency in its range: the strongest bin of 60–400 Hz lies there.
        var drawn = BackgroundNoise.Generate(NoiseKind.Fan, Rate, 3, Rate);
        int strongest = Enumerable.Range(60, 340).MaxBy(hz => LinePower(drawn, hz));
        Assert.InRange(strongest, BackgroundNoise.FanLowestHz - 1, BackgroundNoise.FanHighestHz + 1);
    }

    [Fact]
    public void Reverberation_is_causal_decays_and_depends_only_on_its_seed()
    {
        var response = Reverberation.ImpulseResponse(7, Rate);
        Assert.Equal(response, Reverberation.ImpulseResponse(7, Rate));
        Assert.NotEqual(response, Reverberation.ImpulseResponse(8, Rate));
        Assert.Equal(1.0, response.Sum(v => (double)v * v), 4);
        Assert.InRange(response.Length, Reverberation.ShortestSeconds * Rate, Reverberation.LongestSeconds * Rate);
        Assert.Equal(response.Max(MathF.Abs), response[0]); // the direct sound comes first and is the strongest sample

        // Decays: the tail's energy per 20 ms falls steadily, by 40 dB or more from its start to its end.
        var tail = Enumerable.Range(0, response.Length / 320).Select(w => response.Skip(1 + w * 320).Take(320).Sum(v => (double)v * v)).ToArray();
        Assert.True(10 * Math.Log10(tail[0] / tail[^1]) > 40, $"the tail falls only {10 * Math.Log10(tail[0] / tail[^1]):F1} dB");
        for (int w = 4; w < tail.Length; w += 4) Assert.True(tail[w] < tail[w - 4]);

        // Causal: an impulse at sample 500 of the speech gives nothing before 500 and the response from there on.
        var impulse = new float[4000];
        impulse[500] = 1;
        var heard = Reverberation.Apply(impulse, response);
        Assert.Equal(4000, heard.Length);
        Assert.All(heard.Take(500), v => Assert.True(Math.Abs(v) < 1e-6));
        for (int n = 500; n < 4000; n++) Assert.Equal(response[n - 500], heard[n], 5);
    }

    [Fact]
    public void Reverberation_is_the_convolution_sum()
    {
        var random = new SeededRandom(3);
        var speech = Enumerable.Range(0, 300).Select(_ => (float)random.NextGaussian()).ToArray();
        float[] response = [0.9f, 0, -0.3f, 0.2f, 0.1f];
        var heard = Reverberation.Apply(speech, response);
        for (int n = 0; n < speech.Length; n++)
        {
            double sum = 0;
            for (int k = 0; k < response.Length && k <= n; k++) sum += response[k] * speech[n - k];
            Assert.Equal(sum, heard[n], 4);
        }
    }
}
