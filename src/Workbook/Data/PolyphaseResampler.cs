using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NAudio.Wave;

namespace Workbook.Data;

/// <summary>
/// Changes the sample rate of a mono stream by a rational factor L/M (48 kHz → 16 kHz is 1/3, 44.1 kHz → 16 kHz is
/// 160/441) with a zero-phase low-pass filter, streaming: output sample j is the band-limited value of the input at
/// the same instant j/<c>toRate</c>, so a denoiser's output lines up with its input sample for sample.
/// <para>
/// The mathematics: insert L − 1 zeros between input samples (rate L·fin), low-pass at the lower of the two Nyquist
/// frequencies, keep every M-th sample. Only the products with non-zero inputs are computed: output j sits at
/// virtual time t = j·M, its nearest input at or before it is i₀ = ⌊t/L⌋, its phase p = t − i₀·L, and
/// <c>y[j] = Σ_k c_p[k] · x[i₀ + k]</c> with <c>c_p[k] = h(p − k·L)</c>, one short filter per phase.
/// h is a windowed sinc, symmetric about 0: no delay. Each phase's taps are scaled to sum to 1, so a constant input
/// comes out unchanged. Samples before the start and after the end count as zeros.
/// </para>
/// <para>
/// Integer ratios (L = 1 or M = 1: 48 kHz ↔ 16 kHz, 16 kHz ↔ 8 kHz) are a MIMO filter of Task 2 and go through the
/// workbook's vector loops a block at a time (<see cref="IntegerRatioBlocks"/>); other ratios take one dot product
/// per output.
/// </para>
/// <para>
/// Why not NAudio's WDL resampler, which the workbook used before: its filter is causal, so its output lags the input
/// by a few samples (3 at 8 kHz, 8 at 48 kHz, measured), and at 8 kHz it attenuates the band near 3 kHz; a 16 kHz
/// network's output taken back to 8 kHz by it scored −1.3 dB SNR against its own input.
/// </para>
/// </summary>
public sealed class PolyphaseResampler : ISampleProvider
{
    /// <summary>Zero crossings of the sinc on each side, counted at the lower rate: sets the transition band's width,
    /// about 0.16 of the lower Nyquist frequency for 80 dB (Kaiser's formula: (80 − 7.95) / (14.36 · 2 · 32) of the rate).</summary>
    public const int ZeroCrossings = 32;

    /// <summary>The cut-off (half gain) as a fraction of the lower Nyquist frequency: the transition band is centred on
    /// it, so the band kept whole is 0 to 0.84 of the Nyquist frequency (6.7 kHz at 16 kHz) and everything from the
    /// Nyquist frequency up is stopped, so nothing aliases.</summary>
    public const double Rolloff = 0.92;

    /// <summary>Kaiser window shape: about 80 dB of stop-band attenuation.</summary>
    public const double KaiserBeta = 8.0;

    private const int ChunkSamples = 16384;

    private readonly ISampleProvider source;
    private readonly int up, down;                 // L and M
    private readonly float[][] phases;             // c_p, each of Taps coefficients, for k = firstTap … firstTap + Taps − 1
    private readonly int firstTap, taps;
    private float[] buffer;
    private long bufferStart;                      // the input index of buffer[0] (negative at the start: leading zeros)
    private int bufferCount;
    private long nextOutput, inputLength = -1;     // −1 while the source has not ended
    private readonly float[] chunk = new float[ChunkSamples];
    private readonly IntegerRatioBlocks? blocks;   // for L = 1 or M = 1: whole blocks through the vector loops

    /// <param name="source">mono samples at <paramref name="source"/>'s rate</param>
    /// <param name="toRate">the rate to produce</param>
    public PolyphaseResampler(ISampleProvider source, int toRate)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.WaveFormat.Channels != 1) throw new ArgumentException("the resampler takes one channel", nameof(source));
        int fromRate = source.WaveFormat.SampleRate;
        if (fromRate <= 0) throw new ArgumentOutOfRangeException(nameof(source), fromRate, "a sample rate must be positive");
        if (toRate <= 0) throw new ArgumentOutOfRangeException(nameof(toRate), toRate, "a sample rate must be positive");
        this.source = source;
        int common = (int)BigInteger.GreatestCommonDivisor(fromRate, toRate);
        up = toRate / common;
        down = fromRate / common;
        WaveFormat = WaveFormat.CreateIeeeFloatWaveFormat(toRate, 1);
        (phases, firstTap, taps) = DesignPhases(up, down);
        if (up != down && (up == 1 || down == 1)) blocks = new IntegerRatioBlocks(phases, up, down, taps);
        buffer = new float[Math.Max(2 * ChunkSamples, taps + 2 * ChunkSamples)];
        // The first outputs need inputs before index 0: they are zeros.
        bufferStart = firstTap;
        bufferCount = -firstTap;
        Array.Clear(buffer, 0, bufferCount);
    }

    public WaveFormat WaveFormat { get; }

    /// <summary>The filter's length per output sample (products per output).</summary>
    public int TapsPerOutput => taps;

    /// <summary>
    /// Splits the prototype low-pass h(d) = L·2f_c·sinc(2f_c·d)·kaiser(d / half-length), d in virtual samples at rate L·fin,
    /// into one filter per phase p: c_p[k − firstTap] = h(p − k·L).
    /// </summary>
    private static (float[][] Phases, int FirstTap, int Taps) DesignPhases(int up, int down)
    {
        int wider = Math.Max(up, down);
        double cutoff = 0.5 * Rolloff / wider;            // cycles per virtual sample
        long half = (long)ZeroCrossings * wider;          // the prototype spans −half … half
        int first = -(int)(half / up);                    // the smallest k with |p − k·L| ≤ half for some phase p
        int last = (int)((up - 1 + half) / up);
        int count = last - first + 1;
        var result = new float[up][];
        double norm = BesselI0(KaiserBeta);
        for (int p = 0; p < up; p++)
        {
            var c = new double[count];
            double sum = 0;
            for (int k = first; k <= last; k++)
            {
                long d = p - (long)k * up;
                if (Math.Abs(d) > half) continue;
                double r = (double)d / half;
                double window = BesselI0(KaiserBeta * Math.Sqrt(Math.Max(0, 1 - r * r))) / norm;
                double x = 2 * cutoff * d;
                double sinc = d == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);
                c[k - first] = 2 * cutoff * up * sinc * window;
                sum += c[k - first];
            }
            result[p] = c.Select(v => (float)(v / sum)).ToArray();
        }
        return (result, first, count);
    }

    /// <summary>The modified Bessel function of the first kind, order 0 (its power series; converges fast for the βs used).</summary>
    private static double BesselI0(double x)
    {
        double term = 1, sum = 1, quarter = x * x / 4;
        for (int k = 1; term > 1e-12 * sum; k++)
        {
            term *= quarter / ((double)k * k);
            sum += term;
        }
        return sum;
    }

    /// <summary>Fills the buffer with output samples; fewer only at the end (the output covers the input's duration).</summary>
    public int Read(Span<float> output)
    {
        if (blocks != null) return ReadBlocks(output);
        int written = 0;
        while (written < output.Length)
        {
            long time = nextOutput * down;                 // in virtual samples
            if (inputLength >= 0 && time >= inputLength * up) break;
            // Four outputs at once when they all fit (and all lie before the end): four independent sums keep the
            // multiply-add unit busy, where one sum waits for each of its own additions.
            long timeOfFourth = time + 3L * down;
            if (written + 4 <= output.Length && (inputLength < 0 || timeOfFourth < inputLength * up) &&
                timeOfFourth / up + firstTap + taps - 1 < bufferStart + bufferCount)
            {
                Dot4(time, output.Slice(written, 4));
                written += 4;
                nextOutput += 4;
                continue;
            }
            long lastNeeded = time / up + firstTap + taps - 1;   // i₀ = ⌊t/L⌋ and its taps
            if (!Have(lastNeeded)) continue;               // Have read more input (or ended it); look again
            Operands(time, out var coefficients, out var inputs);
            output[written++] = Dot(coefficients, inputs);
            nextOutput++;
        }
        return written;
    }

    /// <summary>Outputs at virtual times t, t + M, t + 2M, t + 3M, whose inputs are all in the buffer; each summed in
    /// the same order as <see cref="Dot"/>, so the result does not depend on how outputs are grouped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call: a busy machine starves tiered compilation
    private void Dot4(long time, Span<float> output)
    {
        Operands(time, out var c0, out var x0);
        Operands(time + down, out var c1, out var x1);
        Operands(time + 2L * down, out var c2, out var x2);
        Operands(time + 3L * down, out var c3, out var x3);
        var vc0 = MemoryMarshal.Cast<float, Vector<float>>(c0);
        var vc1 = MemoryMarshal.Cast<float, Vector<float>>(c1);
        var vc2 = MemoryMarshal.Cast<float, Vector<float>>(c2);
        var vc3 = MemoryMarshal.Cast<float, Vector<float>>(c3);
        var vx0 = MemoryMarshal.Cast<float, Vector<float>>(x0);
        var vx1 = MemoryMarshal.Cast<float, Vector<float>>(x1);
        var vx2 = MemoryMarshal.Cast<float, Vector<float>>(x2);
        var vx3 = MemoryMarshal.Cast<float, Vector<float>>(x3);
        Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
        for (int v = 0; v < vc0.Length; v++)
        {
            s0 = Vector.FusedMultiplyAdd(vc0[v], vx0[v], s0);
            s1 = Vector.FusedMultiplyAdd(vc1[v], vx1[v], s1);
            s2 = Vector.FusedMultiplyAdd(vc2[v], vx2[v], s2);
            s3 = Vector.FusedMultiplyAdd(vc3[v], vx3[v], s3);
        }
        float t0 = Vector.Sum(s0), t1 = Vector.Sum(s1), t2 = Vector.Sum(s2), t3 = Vector.Sum(s3);
        for (int k = vc0.Length * Vector<float>.Count; k < taps; k++)
        {
            t0 += c0[k] * x0[k];
            t1 += c1[k] * x1[k];
            t2 += c2[k] * x2[k];
            t3 += c3[k] * x3[k];
        }
        output[0] = t0;
        output[1] = t1;
        output[2] = t2;
        output[3] = t3;
    }

    /// <summary>
    /// The integer ratios (48 kHz ↔ 16 kHz, 16 kHz → 8 kHz, …) as a MIMO filter of Task 2, computed by the workbook's
    /// vector loops a block at a time instead of one dot product per output.
    /// <list type="bullet">
    ///   <item>Down by M: output j is <c>Σ_k c[k] x[jM + f + k]</c> (f the first tap). With the input split into its M
    ///   phases <c>s_q[n] = x[Mn + f + q]</c> and k = Mm + q, that is <c>Σ_q Σ_m c[Mm + q] s_q[j + m]</c>: M input
    ///   channels, one output, ⌈taps/M⌉ taps each.</item>
    ///   <item>Up by L: output Li + p is <c>Σ_k c_p[k] x[i + f + k]</c>: one input channel, L outputs (the phases), which
    ///   are then interleaved.</item>
    /// </list>
    /// Blocks start at fixed outputs (multiples of the block), so the samples do not depend on how a caller reads them.
    /// </summary>
    private sealed class IntegerRatioBlocks
    {
        /// <summary>Outputs per block when going down, inputs per block when going up (a multiple of the kernels' block).</summary>
        public const int Length = 1024;

        public IntegerRatioBlocks(float[][] phases, int up, int down, int taps)
        {
            Channels = down;                               // 1 going up
            Outputs = up;                                  // 1 going down
            Taps = down > 1 ? (taps + down - 1) / down : taps;
            RowLength = Length + Taps - 1;
            Weights = new Vector<float>[Outputs * Channels * Taps];
            for (int o = 0; o < Outputs; o++)
                for (int q = 0; q < Channels; q++)
                    for (int k = 0; k < Taps; k++)
                    {
                        // The kernel's tap k reads s[q, j + Taps − 1 − k]: the prototype's tap (Taps − 1 − k)·M + q.
                        int tap = (Taps - 1 - k) * Channels + q;
                        Weights[(o * Channels + q) * Taps + k] = new Vector<float>(tap < taps ? phases[o][tap] : 0);
                    }
            Rows = new float[Channels * RowLength];
            // Going up, the phases before they are interleaved; going down, the kernel writes straight into Pending.
            Result = Outputs > 1 ? new float[Outputs * Length] : Array.Empty<float>();
            Pending = new float[Outputs * Length];
        }

        public int Channels { get; }
        public int Outputs { get; }
        public int Taps { get; }
        public int RowLength { get; }
        public Vector<float>[] Weights { get; }
        public float[] Rows { get; }
        public float[] Result { get; }
        public float[] Pending { get; }
        public int PendingStart { get; set; }
        public int PendingCount { get; set; }
    }

    private int ReadBlocks(Span<float> output)
    {
        var b = blocks!;
        int written = 0;
        while (written < output.Length)
        {
            if (b.PendingStart == b.PendingCount)
            {
                if (inputLength >= 0 && nextOutput * down >= inputLength * up) break;   // past the input's duration
                NextBlock(b);
                if (b.PendingCount == 0) break;
            }
            int count = Math.Min(output.Length - written, b.PendingCount - b.PendingStart);
            b.Pending.AsSpan(b.PendingStart, count).CopyTo(output[written..]);
            b.PendingStart += count;
            written += count;
        }
        return written;
    }

    /// <summary>The block of outputs from <see cref="nextOutput"/> on, into <see cref="IntegerRatioBlocks.Pending"/>.</summary>
    private void NextBlock(IntegerRatioBlocks b)
    {
        int length = IntegerRatioBlocks.Length;
        int produced;
        if (down > 1)
        {
            // Rows s_q[j0 + i] = x[M(j0 + i) + f + q], i < Length + Taps − 1.
            long j0 = nextOutput, first = j0 * down + firstTap;
            while (!Have(first + (long)down * (b.RowLength - 1) + down - 1)) { }
            var source = buffer.AsSpan((int)(first - bufferStart));
            for (int q = 0; q < down; q++)
            {
                var row = b.Rows.AsSpan(q * b.RowLength, b.RowLength);
                for (int i = 0; i < row.Length; i++) row[i] = source[i * down + q];
            }
            Fast.CausalCorrelationKernels.CorrelateWithTaps(b.Rows, b.RowLength, down, b.Taps, b.Weights, 1, b.Pending, length, length);
            produced = length;
        }
        else
        {
            // One row x[i0 + f + i'], i' < Length + Taps − 1, straight from the buffer; L outputs, interleaved afterwards.
            long i0 = nextOutput / up, first = i0 + firstTap;
            while (!Have(first + b.RowLength - 1)) { }
            Fast.CausalCorrelationKernels.CorrelateWithTaps(buffer.AsSpan((int)(first - bufferStart), b.RowLength), b.RowLength, 1, b.Taps,
                b.Weights, up, b.Result, length, length);
            for (int p = 0; p < up; p++)
            {
                var phase = b.Result.AsSpan(p * length, length);
                for (int i = 0; i < length; i++) b.Pending[i * up + p] = phase[i];
            }
            produced = up * length;
        }
        // Outputs j with j·M < (input length)·L cover the input's duration; the rest of the last block is dropped.
        long valid = inputLength < 0 ? produced : Math.Clamp((inputLength * up + down - 1) / down - nextOutput, 0, produced);
        b.PendingStart = 0;
        b.PendingCount = (int)valid;
        nextOutput += produced;
    }

    /// <summary>The phase filter and the buffered inputs of the output at virtual time <paramref name="time"/>.</summary>
    private void Operands(long time, out ReadOnlySpan<float> coefficients, out ReadOnlySpan<float> inputs)
    {
        long nearest = time / up;
        coefficients = phases[(int)(time - nearest * up)];
        inputs = buffer.AsSpan((int)(nearest + firstTap - bufferStart), taps);
    }

    /// <summary>True when input sample <paramref name="index"/> is in the buffer; otherwise reads more (zeros after the end) and returns false.</summary>
    private bool Have(long index)
    {
        if (index < bufferStart + bufferCount) return true;
        // Drop what no later output needs: everything before the next output's first tap.
        long keepFrom = nextOutput * down / up + firstTap;
        int drop = (int)Math.Clamp(keepFrom - bufferStart, 0, bufferCount);
        if (drop > 0)
        {
            Array.Copy(buffer, drop, buffer, 0, bufferCount - drop);
            bufferStart += drop;
            bufferCount -= drop;
        }
        if (bufferCount + ChunkSamples > buffer.Length) Array.Resize(ref buffer, Math.Max(2 * buffer.Length, bufferCount + ChunkSamples));
        int read = inputLength >= 0 ? 0 : source.Read(chunk);
        if (read > 0)
        {
            chunk.AsSpan(0, read).CopyTo(buffer.AsSpan(bufferCount));
            bufferCount += read;
            return false;
        }
        if (inputLength < 0) inputLength = bufferStart + bufferCount;
        // After the end: zeros, enough for the last output's taps.
        int zeros = ChunkSamples;
        buffer.AsSpan(bufferCount, zeros).Clear();
        bufferCount += zeros;
        return false;
    }

    /// <summary>Σ a[i]·b[i] with the machine's widest vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        for (int v = 0; v < va.Length; v++) sum = Vector.FusedMultiplyAdd(va[v], vb[v], sum);
        int i = va.Length * Vector<float>.Count;
        float total = Vector.Sum(sum);
        for (; i < a.Length; i++) total += a[i] * b[i];
        return total;
    }
}
