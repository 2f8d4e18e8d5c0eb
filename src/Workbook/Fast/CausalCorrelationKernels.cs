using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbook.Fast;

/// <summary>
/// The vector loops behind <see cref="SimdConvolution"/>: the two sums a causal MIMO convolution and its backward pass
/// are made of, on float32 rows in memory.
/// <para>
/// <b>Correlation with taps</b> (the forward pass, and the gradient to the input):
/// <c>out[o, j] = Σ_c Σ_k w[o, c, k] · s[c, j + K − 1 − k]</c>, for j in one tile. <c>s</c> is a window of the source
/// rows copied into a zero-padded scratch tile (zeros stand for time before 0 and after N), so the loops never test
/// a bound. Each step loads one vector of <c>s</c> and multiplies it into the accumulators of two output channels,
/// four vectors (32 samples with AVX2) at a time: 8 accumulators in registers, 6 loads per 8 fused multiply-adds.
/// An output channel left over (a layer with one output, like the lab's last) takes eight vectors at a time, its taps
/// by residue modulo the vector width so that one loaded vector serves four taps: 15 loads per 32 multiply-adds.
/// </para>
/// <para>
/// <b>Correlation of two tiles</b> (the gradient to the taps): <c>dw[k, c, o] = Σ_j d[o, j] · s[c, j + K − 1 − k]</c>,
/// summed over every tile of every clip. Two output channels by four taps at a time, 8 accumulators, 6 loads per 8
/// multiply-adds (a channel left over: eight taps at a time, 9 loads per 8); each tile's vector sums are added into a double-precision total, so summing half a million
/// products per tap loses nothing to float32 rounding.
/// </para>
/// <para>
/// <see cref="Vector{T}"/> is the machine's widest vector that the JIT uses by default: 8 floats (AVX2) on x64,
/// 4 (AdvSimd) on ARM64, 4 (SSE) on x64 without AVX2. <see cref="Vector.MultiplyAddEstimate(Vector{float}, Vector{float}, Vector{float})"/>
/// is one fused multiply-add where the CPU has one (FMA3 with AVX2, AdvSimd's fmla) and a multiply and an add where
/// not, never a slow software emulation.
/// </para>
/// <para>
/// The loops are compiled fully optimised at their first call (<see cref="MethodImplOptions.AggressiveOptimization"/>):
/// tiered compilation would first run them unoptimised and swap them only later, from a background thread that a busy
/// machine starves, so that the first epochs would run the slow code several times longer than they must.
/// </para>
/// </summary>
internal static class CausalCorrelationKernels
{
    /// <summary>Vectors of output computed at once by the correlation kernels (the register block along time).</summary>
    private const int VectorsPerBlock = 4;

    /// <summary>Samples per register block: 32 with 8-float vectors.</summary>
    public static int BlockLength => VectorsPerBlock * Vector<float>.Count;

    /// <summary>
    /// <c>out[o, j] = Σ_c Σ_k w[o, c, k] · s[c, j + K − 1 − k]</c> for <c>j</c> in <c>[0, tileLength)</c>.
    /// </summary>
    /// <param name="tile">the source window, <paramref name="channels"/> rows <paramref name="rowLength"/> ≥ tileLength + K − 1 floats apart</param>
    /// <param name="weights">the taps as vectors of one repeated value, laid out <c>[O, C, K]</c></param>
    /// <param name="output"><paramref name="outputs"/> rows of <paramref name="tileLength"/> floats (a multiple of <see cref="BlockLength"/>),
    /// <paramref name="outputStride"/> floats apart: a scratch tile, or the result tensor itself where the whole tile lies inside the clip</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CorrelateWithTaps(ReadOnlySpan<float> tile, int rowLength, int channels, int taps,
        ReadOnlySpan<Vector<float>> weights, int outputs, Span<float> output, int outputStride, int tileLength)
    {
        // The last row is read up to tileLength + K − 1 floats only: a caller may pass rows that end there.
        if (channels < 1 || tile.Length < (channels - 1) * rowLength + tileLength + taps - 1 || rowLength < tileLength + taps - 1 || tileLength % BlockLength != 0 ||
            weights.Length < outputs * channels * taps || outputStride < tileLength || output.Length < (outputs - 1) * outputStride + tileLength)
            throw new ArgumentException("CorrelateWithTaps: the tile, weights or output are smaller than the sizes given");
        ref float source = ref MemoryMarshal.GetReference(tile);
        ref Vector<float> taps0 = ref MemoryMarshal.GetReference(weights);
        ref float target = ref MemoryMarshal.GetReference(output);
        int o = 0;
        for (; o + 1 < outputs; o += 2)
            TwoOutputs(ref source, rowLength, channels, taps,
                ref Unsafe.Add(ref taps0, o * channels * taps), ref Unsafe.Add(ref taps0, (o + 1) * channels * taps),
                ref Unsafe.Add(ref target, o * outputStride), ref Unsafe.Add(ref target, (o + 1) * outputStride), tileLength);
        if (o < outputs)
            OneOutput(ref source, rowLength, channels, taps, ref Unsafe.Add(ref taps0, o * channels * taps),
                ref Unsafe.Add(ref target, o * outputStride), tileLength);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TwoOutputs(ref float source, int rowLength, int channels, int taps,
        ref Vector<float> weights0, ref Vector<float> weights1, ref float output0, ref float output1, int tileLength)
    {
        int width = Vector<float>.Count;
        for (int j = 0; j < tileLength; j += VectorsPerBlock * width)
        {
            Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector<float> b0 = default, b1 = default, b2 = default, b3 = default;
            for (int c = 0; c < channels; c++)
            {
                // s[c, j + K − 1 − k] for k = 0, 1, …: walk backwards from the newest sample the block needs.
                ref float newest = ref Unsafe.Add(ref source, c * rowLength + j + taps - 1);
                ref Vector<float> h0 = ref Unsafe.Add(ref weights0, c * taps);
                ref Vector<float> h1 = ref Unsafe.Add(ref weights1, c * taps);
                for (int k = 0; k < taps; k++)
                {
                    ref float at = ref Unsafe.Subtract(ref newest, k);
                    var w0 = Unsafe.Add(ref h0, k);
                    var w1 = Unsafe.Add(ref h1, k);
                    var x0 = Vector.LoadUnsafe(ref at);
                    var x1 = Vector.LoadUnsafe(ref at, (nuint)width);
                    var x2 = Vector.LoadUnsafe(ref at, (nuint)(2 * width));
                    var x3 = Vector.LoadUnsafe(ref at, (nuint)(3 * width));
                    a0 = Vector.MultiplyAddEstimate(x0, w0, a0);
                    b0 = Vector.MultiplyAddEstimate(x0, w1, b0);
                    a1 = Vector.MultiplyAddEstimate(x1, w0, a1);
                    b1 = Vector.MultiplyAddEstimate(x1, w1, b1);
                    a2 = Vector.MultiplyAddEstimate(x2, w0, a2);
                    b2 = Vector.MultiplyAddEstimate(x2, w1, b2);
                    a3 = Vector.MultiplyAddEstimate(x3, w0, a3);
                    b3 = Vector.MultiplyAddEstimate(x3, w1, b3);
                }
            }
            a0.StoreUnsafe(ref output0, (nuint)j);
            a1.StoreUnsafe(ref output0, (nuint)(j + width));
            a2.StoreUnsafe(ref output0, (nuint)(j + 2 * width));
            a3.StoreUnsafe(ref output0, (nuint)(j + 3 * width));
            b0.StoreUnsafe(ref output1, (nuint)j);
            b1.StoreUnsafe(ref output1, (nuint)(j + width));
            b2.StoreUnsafe(ref output1, (nuint)(j + 2 * width));
            b3.StoreUnsafe(ref output1, (nuint)(j + 3 * width));
        }
    }

    /// <summary>
    /// One output channel, eight vectors at a time. Loading a vector of the source for every tap and every vector of
    /// output would cost 9 loads per 8 multiply-adds (most of them unaligned), more than the core can issue; but taps W
    /// apart (W = <see cref="Vector{T}.Count"/>) read the same vectors one place over: tap k + W's vector for output
    /// vector i is tap k's for vector i − 1. So the taps are taken by residue r = k mod W, four at a time
    /// (k₀, k₀ + W, k₀ + 2W, k₀ + 3W; <see cref="FourTapsOneApart"/>): 11 loads of the source feed 32 multiply-adds.
    /// The taps left over in a residue (fewer than four) go one at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OneOutput(ref float source, int rowLength, int channels, int taps,
        ref Vector<float> weights, ref float output, int tileLength)
    {
        int width = Vector<float>.Count;
        int j = 0;
        for (; j + 2 * VectorsPerBlock * width <= tileLength; j += 2 * VectorsPerBlock * width)
        {
            var a = new Accumulators();
            for (int c = 0; c < channels; c++)
            {
                ref float newest = ref Unsafe.Add(ref source, c * rowLength + j + taps - 1);
                ref Vector<float> h = ref Unsafe.Add(ref weights, c * taps);
                for (int r = 0; r < width && r < taps; r++)
                {
                    int k = r;
                    for (; k + 3 * width < taps; k += 4 * width)
                        FourTapsOneApart(ref a, ref Unsafe.Subtract(ref newest, k), width,
                            Unsafe.Add(ref h, k), Unsafe.Add(ref h, k + width), Unsafe.Add(ref h, k + 2 * width), Unsafe.Add(ref h, k + 3 * width));
                    for (; k < taps; k += width)
                        OneTap(ref a, ref Unsafe.Subtract(ref newest, k), width, Unsafe.Add(ref h, k));
                }
            }
            a.Store(ref Unsafe.Add(ref output, j), width);
        }
        for (; j < tileLength; j += width) // a tile's last block of four vectors
        {
            // The taps in the order the loop above adds them (by residue), so that a sample gets the same float whichever
            // loop computes it: the tiled inference cuts time elsewhere than the training pass and must match it bit for bit.
            Vector<float> a = default;
            for (int c = 0; c < channels; c++)
            {
                ref float newest = ref Unsafe.Add(ref source, c * rowLength + j + taps - 1);
                ref Vector<float> h = ref Unsafe.Add(ref weights, c * taps);
                for (int r = 0; r < width && r < taps; r++)
                    for (int k = r; k < taps; k += width)
                        a = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref Unsafe.Subtract(ref newest, k)), Unsafe.Add(ref h, k), a);
            }
            a.StoreUnsafe(ref output, (nuint)j);
        }
    }

    /// <summary>Eight vectors of one output channel, in registers.</summary>
    private struct Accumulators
    {
        public Vector<float> A0, A1, A2, A3, A4, A5, A6, A7;

        public readonly void Store(ref float output, int width)
        {
            A0.StoreUnsafe(ref output);
            A1.StoreUnsafe(ref output, (nuint)width);
            A2.StoreUnsafe(ref output, (nuint)(2 * width));
            A3.StoreUnsafe(ref output, (nuint)(3 * width));
            A4.StoreUnsafe(ref output, (nuint)(4 * width));
            A5.StoreUnsafe(ref output, (nuint)(5 * width));
            A6.StoreUnsafe(ref output, (nuint)(6 * width));
            A7.StoreUnsafe(ref output, (nuint)(7 * width));
        }
    }

    /// <summary>
    /// Taps k, k + W, k + 2W, k + 3W (weights w0 … w3) into the eight vectors: output vector i takes
    /// w_g · s[at + W·(i − g)], where <paramref name="at"/> is tap k's source for vector 0. Each source vector
    /// u = i − g (from 7 down to −3) is loaded once and used by every (i, g) it serves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FourTapsOneApart(ref Accumulators a, ref float at, int width,
        Vector<float> w0, Vector<float> w1, Vector<float> w2, Vector<float> w3)
    {
        var x = Vector.LoadUnsafe(ref at, (nuint)(7 * width));
        a.A7 = Vector.MultiplyAddEstimate(x, w0, a.A7);
        x = Vector.LoadUnsafe(ref at, (nuint)(6 * width));
        a.A6 = Vector.MultiplyAddEstimate(x, w0, a.A6);
        a.A7 = Vector.MultiplyAddEstimate(x, w1, a.A7);
        x = Vector.LoadUnsafe(ref at, (nuint)(5 * width));
        a.A5 = Vector.MultiplyAddEstimate(x, w0, a.A5);
        a.A6 = Vector.MultiplyAddEstimate(x, w1, a.A6);
        a.A7 = Vector.MultiplyAddEstimate(x, w2, a.A7);
        x = Vector.LoadUnsafe(ref at, (nuint)(4 * width));
        a.A4 = Vector.MultiplyAddEstimate(x, w0, a.A4);
        a.A5 = Vector.MultiplyAddEstimate(x, w1, a.A5);
        a.A6 = Vector.MultiplyAddEstimate(x, w2, a.A6);
        a.A7 = Vector.MultiplyAddEstimate(x, w3, a.A7);
        x = Vector.LoadUnsafe(ref at, (nuint)(3 * width));
        a.A3 = Vector.MultiplyAddEstimate(x, w0, a.A3);
        a.A4 = Vector.MultiplyAddEstimate(x, w1, a.A4);
        a.A5 = Vector.MultiplyAddEstimate(x, w2, a.A5);
        a.A6 = Vector.MultiplyAddEstimate(x, w3, a.A6);
        x = Vector.LoadUnsafe(ref at, (nuint)(2 * width));
        a.A2 = Vector.MultiplyAddEstimate(x, w0, a.A2);
        a.A3 = Vector.MultiplyAddEstimate(x, w1, a.A3);
        a.A4 = Vector.MultiplyAddEstimate(x, w2, a.A4);
        a.A5 = Vector.MultiplyAddEstimate(x, w3, a.A5);
        x = Vector.LoadUnsafe(ref at, (nuint)width);
        a.A1 = Vector.MultiplyAddEstimate(x, w0, a.A1);
        a.A2 = Vector.MultiplyAddEstimate(x, w1, a.A2);
        a.A3 = Vector.MultiplyAddEstimate(x, w2, a.A3);
        a.A4 = Vector.MultiplyAddEstimate(x, w3, a.A4);
        x = Vector.LoadUnsafe(ref at);
        a.A0 = Vector.MultiplyAddEstimate(x, w0, a.A0);
        a.A1 = Vector.MultiplyAddEstimate(x, w1, a.A1);
        a.A2 = Vector.MultiplyAddEstimate(x, w2, a.A2);
        a.A3 = Vector.MultiplyAddEstimate(x, w3, a.A3);
        x = Vector.LoadUnsafe(ref Unsafe.Subtract(ref at, width));
        a.A0 = Vector.MultiplyAddEstimate(x, w1, a.A0);
        a.A1 = Vector.MultiplyAddEstimate(x, w2, a.A1);
        a.A2 = Vector.MultiplyAddEstimate(x, w3, a.A2);
        x = Vector.LoadUnsafe(ref Unsafe.Subtract(ref at, 2 * width));
        a.A0 = Vector.MultiplyAddEstimate(x, w2, a.A0);
        a.A1 = Vector.MultiplyAddEstimate(x, w3, a.A1);
        x = Vector.LoadUnsafe(ref Unsafe.Subtract(ref at, 3 * width));
        a.A0 = Vector.MultiplyAddEstimate(x, w3, a.A0);
    }

    /// <summary>One tap (weight w) into the eight vectors: vector i takes w · s[at + W·i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OneTap(ref Accumulators a, ref float at, int width, Vector<float> w)
    {
        a.A0 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref at), w, a.A0);
        a.A1 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref at, (nuint)width), w, a.A1);
        a.A2 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref at, (nuint)(2 * width)), w, a.A2);
        a.A3 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref at, (nuint)(3 * width)), w, a.A3);
        a.A4 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref at, (nuint)(4 * width)), w, a.A4);
        a.A5 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref at, (nuint)(5 * width)), w, a.A5);
        a.A6 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref at, (nuint)(6 * width)), w, a.A6);
        a.A7 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref at, (nuint)(7 * width)), w, a.A7);
    }

    /// <summary>
    /// Adds <c>Σ_j d[o, j] · s[c, j + K − 1 − k]</c>, j in <c>[0, tileLength)</c>, to <c>sums[(k·C + c)·O + o]</c>
    /// (the layout of the coefficients, <c>[K, F, G]</c>).
    /// </summary>
    /// <param name="gradient">the output gradient's tile, <paramref name="outputs"/> rows of <paramref name="gradientRowLength"/> ≥ tileLength floats</param>
    /// <param name="tile">the input's tile as for <see cref="CorrelateWithTaps"/></param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CorrelateTiles(ReadOnlySpan<float> gradient, int gradientRowLength, int outputs,
        ReadOnlySpan<float> tile, int rowLength, int channels, int taps, int tileLength, Span<double> sums)
    {
        if (gradient.Length < outputs * gradientRowLength || gradientRowLength < tileLength || tile.Length < channels * rowLength ||
            rowLength < tileLength + taps - 1 || tileLength % Vector<float>.Count != 0 || sums.Length < taps * channels * outputs)
            throw new ArgumentException("CorrelateTiles: the tiles or sums are smaller than the sizes given");
        ref float d = ref MemoryMarshal.GetReference(gradient);
        ref float s = ref MemoryMarshal.GetReference(tile);
        for (int c = 0; c < channels; c++)
        {
            int o = 0;
            for (; o + 1 < outputs; o += 2)
            {
                int k = 0;
                for (; k + 4 <= taps; k += 4)
                    TwoOutputsFourTaps(ref Unsafe.Add(ref d, o * gradientRowLength), ref Unsafe.Add(ref d, (o + 1) * gradientRowLength),
                        ref Unsafe.Add(ref s, c * rowLength + taps - 1 - k), tileLength, sums, Index(k, c, o), channels * outputs);
                for (; k < taps; k++)
                    for (int oo = o; oo < o + 2; oo++)
                        sums[Index(k, c, oo)] += OneOutputOneTap(ref Unsafe.Add(ref d, oo * gradientRowLength), ref Unsafe.Add(ref s, c * rowLength + taps - 1 - k), tileLength);
            }
            if (o < outputs)
            {
                int k = 0;
                for (; k + 8 <= taps; k += 8)
                    OneOutputEightTaps(ref Unsafe.Add(ref d, o * gradientRowLength), ref Unsafe.Add(ref s, c * rowLength + taps - 1 - k), tileLength, sums, Index(k, c, o), channels * outputs);
                for (; k + 4 <= taps; k += 4)
                    OneOutputFourTaps(ref Unsafe.Add(ref d, o * gradientRowLength), ref Unsafe.Add(ref s, c * rowLength + taps - 1 - k), tileLength, sums, Index(k, c, o), channels * outputs);
                for (; k < taps; k++)
                    sums[Index(k, c, o)] += OneOutputOneTap(ref Unsafe.Add(ref d, o * gradientRowLength), ref Unsafe.Add(ref s, c * rowLength + taps - 1 - k), tileLength);
            }
        }

        int Index(int k, int c, int o) => (k * channels + c) * outputs + o;
    }

    /// <param name="newest">s[c, K − 1 − k0]: tap k0 + i reads i floats before it</param>
    /// <param name="first">the index of (k0, c, o) in sums; (k0 + i, c, o + 1) is at first + i·stride + 1</param>
    /// <param name="stride">the distance between taps k and k + 1 in the sums, C·O</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TwoOutputsFourTaps(ref float d0, ref float d1, ref float newest, int tileLength, Span<double> sums, int first, int stride)
    {
        int width = Vector<float>.Count;
        Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector<float> b0 = default, b1 = default, b2 = default, b3 = default;
        for (int j = 0; j < tileLength; j += width)
        {
            var g0 = Vector.LoadUnsafe(ref d0, (nuint)j);
            var g1 = Vector.LoadUnsafe(ref d1, (nuint)j);
            ref float at = ref Unsafe.Add(ref newest, j);
            var x0 = Vector.LoadUnsafe(ref at);
            a0 = Vector.MultiplyAddEstimate(g0, x0, a0);
            b0 = Vector.MultiplyAddEstimate(g1, x0, b0);
            var x1 = Vector.LoadUnsafe(ref Unsafe.Subtract(ref at, 1));
            a1 = Vector.MultiplyAddEstimate(g0, x1, a1);
            b1 = Vector.MultiplyAddEstimate(g1, x1, b1);
            var x2 = Vector.LoadUnsafe(ref Unsafe.Subtract(ref at, 2));
            a2 = Vector.MultiplyAddEstimate(g0, x2, a2);
            b2 = Vector.MultiplyAddEstimate(g1, x2, b2);
            var x3 = Vector.LoadUnsafe(ref Unsafe.Subtract(ref at, 3));
            a3 = Vector.MultiplyAddEstimate(g0, x3, a3);
            b3 = Vector.MultiplyAddEstimate(g1, x3, b3);
        }
        sums[first] += Vector.Sum(a0);
        sums[first + 1] += Vector.Sum(b0);
        sums[first + stride] += Vector.Sum(a1);
        sums[first + stride + 1] += Vector.Sum(b1);
        sums[first + 2 * stride] += Vector.Sum(a2);
        sums[first + 2 * stride + 1] += Vector.Sum(b2);
        sums[first + 3 * stride] += Vector.Sum(a3);
        sums[first + 3 * stride + 1] += Vector.Sum(b3);
    }

    /// <summary>One output channel by eight taps: 8 accumulators (enough to keep both multiply-add units busy, where four
    /// wait on their own latency), 9 loads per 8 multiply-adds. The layers with one output channel (the lab's last) spend
    /// their taps' gradient here.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OneOutputEightTaps(ref float d0, ref float newest, int tileLength, Span<double> sums, int first, int stride)
    {
        int width = Vector<float>.Count;
        Vector<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (int j = 0; j < tileLength; j += width)
        {
            var g0 = Vector.LoadUnsafe(ref d0, (nuint)j);
            ref float at = ref Unsafe.Add(ref newest, j);
            a0 = Vector.MultiplyAddEstimate(g0, Vector.LoadUnsafe(ref at), a0);
            a1 = Vector.MultiplyAddEstimate(g0, Vector.LoadUnsafe(ref Unsafe.Subtract(ref at, 1)), a1);
            a2 = Vector.MultiplyAddEstimate(g0, Vector.LoadUnsafe(ref Unsafe.Subtract(ref at, 2)), a2);
            a3 = Vector.MultiplyAddEstimate(g0, Vector.LoadUnsafe(ref Unsafe.Subtract(ref at, 3)), a3);
            a4 = Vector.MultiplyAddEstimate(g0, Vector.LoadUnsafe(ref Unsafe.Subtract(ref at, 4)), a4);
            a5 = Vector.MultiplyAddEstimate(g0, Vector.LoadUnsafe(ref Unsafe.Subtract(ref at, 5)), a5);
            a6 = Vector.MultiplyAddEstimate(g0, Vector.LoadUnsafe(ref Unsafe.Subtract(ref at, 6)), a6);
            a7 = Vector.MultiplyAddEstimate(g0, Vector.LoadUnsafe(ref Unsafe.Subtract(ref at, 7)), a7);
        }
        sums[first] += Vector.Sum(a0);
        sums[first + stride] += Vector.Sum(a1);
        sums[first + 2 * stride] += Vector.Sum(a2);
        sums[first + 3 * stride] += Vector.Sum(a3);
        sums[first + 4 * stride] += Vector.Sum(a4);
        sums[first + 5 * stride] += Vector.Sum(a5);
        sums[first + 6 * stride] += Vector.Sum(a6);
        sums[first + 7 * stride] += Vector.Sum(a7);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OneOutputFourTaps(ref float d0, ref float newest, int tileLength, Span<double> sums, int first, int stride)
    {
        int width = Vector<float>.Count;
        Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (int j = 0; j < tileLength; j += width)
        {
            var g0 = Vector.LoadUnsafe(ref d0, (nuint)j);
            ref float at = ref Unsafe.Add(ref newest, j);
            a0 = Vector.MultiplyAddEstimate(g0, Vector.LoadUnsafe(ref at), a0);
            a1 = Vector.MultiplyAddEstimate(g0, Vector.LoadUnsafe(ref Unsafe.Subtract(ref at, 1)), a1);
            a2 = Vector.MultiplyAddEstimate(g0, Vector.LoadUnsafe(ref Unsafe.Subtract(ref at, 2)), a2);
            a3 = Vector.MultiplyAddEstimate(g0, Vector.LoadUnsafe(ref Unsafe.Subtract(ref at, 3)), a3);
        }
        sums[first] += Vector.Sum(a0);
        sums[first + stride] += Vector.Sum(a1);
        sums[first + 2 * stride] += Vector.Sum(a2);
        sums[first + 3 * stride] += Vector.Sum(a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float OneOutputOneTap(ref float d0, ref float newest, int tileLength)
    {
        int width = Vector<float>.Count;
        Vector<float> a = default;
        for (int j = 0; j < tileLength; j += width)
            a = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref d0, (nuint)j), Vector.LoadUnsafe(ref newest, (nuint)j), a);
        return Vector.Sum(a);
    }

}
