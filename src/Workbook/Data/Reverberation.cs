using static TorchSharp.torch;

namespace Workbook.Data;

/// <summary>
/// A room's echo, synthesized: an impulse response made of the direct sound (a unit impulse at time 0) and a tail of
/// Gaussian noise that decays exponentially, reaching −60 dB after the reverberation time RT60 (the usual statistical
/// model of a diffuse late reverberation). Speech convolved with it sounds as if spoken in a room. The filter-bank
/// recipe uses it on its training speech with the reverberant clean speech as the target: the network learns to remove
/// noise from reverberant speech, not to remove the reverberation.
/// </summary>
public static class Reverberation
{
    /// <summary>The range RT60 is drawn from, in seconds: a small furnished room to a large classroom.</summary>
    public const double ShortestSeconds = 0.2, LongestSeconds = 0.8;

    /// <summary>
    /// An impulse response drawn from <paramref name="seed"/>: RT60 in [<see cref="ShortestSeconds"/>, <see cref="LongestSeconds"/>),
    /// the tail starting 1–10 ms after the direct sound (the first reflections' delay) with a direct-to-reverberant energy
    /// ratio of −3 to +10 dB, and RT60 long; scaled to unit energy, so speech keeps about its power.
    /// </summary>
    public static float[] ImpulseResponse(long seed, int sampleRate = PairedClips.LabSampleRate)
    {
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "the sample rate must be positive");
        var random = new SeededRandom((ulong)seed);
        double rt60 = random.Uniform(ShortestSeconds, LongestSeconds);
        int delay = Math.Max(1, (int)(random.Uniform(0.001, 0.01) * sampleRate));
        double directToReverberantDb = random.Uniform(-3, 10);
        int length = Math.Max(delay + 1, (int)(rt60 * sampleRate));
        var response = new double[length];
        // Amplitude falls by 60 dB (a factor 1000) over RT60: exp(−ln(1000)·t/RT60).
        double decayPerSample = Math.Log(1000) / (rt60 * sampleRate);
        double tailEnergy = 0;
        for (int n = delay; n < length; n++)
        {
            response[n] = random.NextGaussian() * Math.Exp(-decayPerSample * (n - delay));
            tailEnergy += response[n] * response[n];
        }
        double tailGain = Math.Sqrt(Math.Pow(10, -directToReverberantDb / 10) / tailEnergy);
        for (int n = delay; n < length; n++) response[n] *= tailGain;
        response[0] = 1;
        double norm = Math.Sqrt(response.Sum(v => v * v));
        return response.Select(v => (float)(v / norm)).ToArray();
    }

    /// <summary>
    /// <paramref name="speech"/> convolved with <paramref name="response"/>, causally (y[n] = Σ_k h[k]·x[n − k]) and cut to
    /// the speech's length: what a microphone in the room records during the clip. Computed with FFTs, as a tail of
    /// thousands of taps would make a direct sum slow.
    /// </summary>
    public static float[] Apply(float[] speech, float[] response)
    {
        if (response.Length == 0) throw new ArgumentException("the impulse response is empty", nameof(response));
        if (speech.Length == 0) return [];
        using var scope = NewDisposeScope();
        long size = 1;
        while (size < speech.Length + response.Length - 1) size *= 2;
        var product = fft.rfft(tensor(speech).to(float64), size) * fft.rfft(tensor(response).to(float64), size);
        return fft.irfft(product, size).narrow(0, 0, speech.Length).to(float32).data<float>().ToArray();
    }
}
