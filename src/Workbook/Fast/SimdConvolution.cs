using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Workbook.Fast;

/// <summary>
/// Causal MIMO convolution computed by the workbook's own vector loops (<see cref="CausalCorrelationKernels"/>) on the
/// tensors' float32 memory, with its backward pass: one pass over the data per product, nothing materialised but the
/// result.
/// <para>
/// Forward: <c>y[b, g, n] = Σ_k Σ_f H[k, f, g] · x[b, f, n − k]</c>. Backward, with <c>dy</c> the gradient of the
/// loss with respect to y: to the input a correlation with the taps running forward in time,
/// <c>dx[b, f, m] = Σ_k Σ_g H[k, f, g] · dy[b, g, m + k]</c> (the same loop as the forward pass, with the taps
/// reversed and the window moved), and to the taps a correlation of the output gradient with the input,
/// <c>dH[k, f, g] = Σ_b Σ_n dy[b, g, n] · x[b, f, n − k]</c>.
/// </para>
/// <para>
/// Every clip is cut into tiles of <see cref="TileLength"/> output samples. A tile's inputs (the tile plus the K − 1
/// samples before it) are copied once into a zero-padded scratch row per channel, small enough to stay in the core's
/// cache while every tap and output channel reads them, and the tiles are shared among threads
/// (<see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>, as many as libtorch is told to use). A tile's
/// contribution to the taps' gradient is summed in double precision per thread.
/// </para>
/// <para>
/// Float32 on the CPU only: other types and devices keep libtorch's algorithms (<see cref="CausalConvolution.Choose"/>).
/// The autograd node keeps x and H for the backward pass, tensors the graph holds anyway.
/// </para>
/// </summary>
internal sealed class SimdConvolution : autograd.SingleTensorFunction<SimdConvolution>
{
    /// <summary>
    /// Output samples per tile. With the lab's 5 channels and 40 taps a backward tile's scratch (inputs, output
    /// gradient, input gradient) is about 60 kB, inside a core's L2 cache with room to spare.
    /// </summary>
    public const int TileLength = 1024;

    public override string Name => "CausalSimdConvolution";

    /// <summary>True when both tensors are float32 on the CPU and small enough to address (2³¹ bytes each).</summary>
    public static bool Supports(Tensor signal, Tensor coefficients) =>
        Addressable(signal) && Addressable(coefficients) &&
        signal.numel() / Math.Max(1, coefficients.shape[1]) * coefficients.shape[2] < int.MaxValue / sizeof(float); // the output

    /// <summary>True for a float32 tensor on the CPU small enough for <see cref="Floats"/> to address (2³¹ bytes).</summary>
    internal static bool Addressable(Tensor t) => TensorMemory.Addressable(t);

    /// <param name="x">input <c>[B, F, N]</c>, float32 on the CPU</param>
    /// <param name="coefficients">taps <c>[K, F, G]</c>, float32 on the CPU</param>
    /// <param name="tanh">compute tanh(H ∗ x) instead, tanh applied to each tile in the cache (<see cref="SimdConvolutionThenTanh"/>)</param>
    /// <returns><c>[B, G, N]</c>; through an autograd node only when a gradient is needed</returns>
    public static Tensor Filter(Tensor x, Tensor coefficients, bool tanh = false)
    {
        if (!Supports(x, coefficients))
            throw new ArgumentException(
                $"the Simd convolution computes float32 tensors on the CPU, but the signal is {x.dtype} on {x.device} and the coefficients " +
                $"{coefficients.dtype} on {coefficients.device}: use ConvolutionAlgorithm.Auto, which picks another algorithm for them");
        bool gradients = is_grad_enabled() && (x.requires_grad || coefficients.requires_grad);
        if (gradients) return tanh ? SimdConvolutionThenTanh.apply(x, coefficients) : apply(x, coefficients);
        using var contiguous = x.contiguous();
        return Forward(contiguous, coefficients, tanh);
    }

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = ((Tensor)vars[0]).contiguous();
        var coefficients = (Tensor)vars[1];
        ctx.save_for_backward(new List<Tensor> { x, coefficients });
        ctx.save_data("inputNeedsGradient", ((Tensor)vars[0]).requires_grad);
        return Forward(x, coefficients);
    }

    /// <remarks>As in <see cref="FftConvolution"/>, every temporary is disposed here: the autograd engine may call this outside any dispose scope.</remarks>
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
    {
        var saved = ctx.get_saved_variables();
        using var x = saved[0];
        using var coefficients = saved[1];
        using var outputGradient = gradient.contiguous();
        bool inputNeedsGradient = (bool)ctx.get_data("inputNeedsGradient");
        var (inputGradient, tapGradient) = Backward(x, coefficients, outputGradient, inputNeedsGradient);
        return new List<Tensor> { inputGradient!, tapGradient };
    }

    /// <summary>y = H ∗ x for a contiguous x; with <paramref name="tanh"/>, tanh(H ∗ x), applied to each tile while it is in the cache.</summary>
    internal static Tensor Forward(Tensor x, Tensor coefficients, bool tanh = false)
    {
        int batch = (int)x.shape[0], inputs = (int)x.shape[1], n = (int)x.shape[2];
        int taps = (int)coefficients.shape[0], outputs = (int)coefficients.shape[2];
        var y = empty(new long[] { batch, outputs, n }, dtype: ScalarType.Float32);
        if (y.numel() == 0) return y;
        var weights = ForwardWeights(coefficients);
        var tiles = new Tiles(n, taps);
        RunTiles(batch * tiles.PerClip, () => new ForwardScratch(tiles, inputs, outputs), (item, scratch) =>
        {
            int clip = item / tiles.PerClip, start = item % tiles.PerClip * tiles.Length;
            Tiles.Fill(Floats(x).Slice(clip * inputs * n, inputs * n), n, start - (taps - 1), inputs, tiles.RowLength, scratch.Input);
            var clipOutput = Floats(y).Slice(clip * outputs * n, outputs * n);
            if (start + tiles.Length <= n) // the whole tile inside the clip: straight into y
            {
                CausalCorrelationKernels.CorrelateWithTaps(scratch.Input, tiles.RowLength, inputs, taps, weights, outputs, clipOutput[start..], n, tiles.Length);
                if (tanh) TanhOfRows(clipOutput[start..], n, outputs, tiles.Length);
            }
            else
            {
                CausalCorrelationKernels.CorrelateWithTaps(scratch.Input, tiles.RowLength, inputs, taps, weights, outputs, scratch.Output, tiles.Length, tiles.Length);
                if (tanh) TanhOfRows(scratch.Output, tiles.Length, outputs, tiles.Length);
                Tiles.Store(scratch.Output, tiles.Length, outputs, clipOutput, n, start);
            }
        }, scratch => scratch.Return());
        return y;
    }

    /// <summary>dx (when asked for) and dH from the saved x and H and the output gradient dy, all contiguous. With the
    /// saved output <paramref name="tanhOutput"/> a = tanh(H ∗ x), dy is the gradient with respect to a, and each tile
    /// of it is first multiplied by tanh's slope 1 − a² (the gradient with respect to H ∗ x) while it is in the cache.</summary>
    internal static (Tensor? InputGradient, Tensor TapGradient) Backward(Tensor x, Tensor coefficients, Tensor dy, bool inputGradient, Tensor? tanhOutput = null)
    {
        int batch = (int)x.shape[0], inputs = (int)x.shape[1], n = (int)x.shape[2];
        int taps = (int)coefficients.shape[0], outputs = (int)coefficients.shape[2];
        var h = Taps(coefficients);
        // dx[f, t0 + j] = Σ_g Σ_k' w[f, g, k'] · s[g, j + K − 1 − k'] with s[g, i] = dy[g, t0 + i] and w[f, g, k'] = H[K − 1 − k', f, g].
        var reversed = new Vector<float>[inputs * outputs * taps];
        for (int f = 0; f < inputs; f++)
            for (int g = 0; g < outputs; g++)
                for (int k = 0; k < taps; k++)
                    reversed[(f * outputs + g) * taps + k] = new Vector<float>(h[((taps - 1 - k) * inputs + f) * outputs + g]);
        var dx = inputGradient ? empty(new long[] { batch, inputs, n }, dtype: ScalarType.Float32) : null;
        var total = new double[taps * inputs * outputs];
        var tiles = new Tiles(n, taps);
        if (batch * n > 0)
            RunTiles(batch * tiles.PerClip, () => new BackwardScratch(tiles, inputs, outputs, total.Length), (item, scratch) =>
            {
                int clip = item / tiles.PerClip, start = item % tiles.PerClip * tiles.Length;
                Tiles.Fill(Floats(x).Slice(clip * inputs * n, inputs * n), n, start - (taps - 1), inputs, tiles.RowLength, scratch.Input);
                Tiles.Fill(Floats(dy).Slice(clip * outputs * n, outputs * n), n, start, outputs, tiles.RowLength, scratch.OutputGradient);
                if (tanhOutput is not null)
                    TanhSlope(scratch.OutputGradient, tiles.RowLength, Floats(tanhOutput).Slice(clip * outputs * n, outputs * n), n, start, outputs);
                CausalCorrelationKernels.CorrelateTiles(scratch.OutputGradient, tiles.RowLength, outputs,
                    scratch.Input, tiles.RowLength, inputs, taps, tiles.Length, scratch.TapSums);
                if (dx is not null)
                {
                    var clipGradient = Floats(dx).Slice(clip * inputs * n, inputs * n);
                    if (start + tiles.Length <= n)
                        CausalCorrelationKernels.CorrelateWithTaps(scratch.OutputGradient, tiles.RowLength, outputs, taps, reversed, inputs, clipGradient[start..], n, tiles.Length);
                    else
                    {
                        CausalCorrelationKernels.CorrelateWithTaps(scratch.OutputGradient, tiles.RowLength, outputs, taps, reversed, inputs, scratch.InputGradient, tiles.Length, tiles.Length);
                        Tiles.Store(scratch.InputGradient, tiles.Length, inputs, clipGradient, n, start);
                    }
                }
            }, scratch =>
            {
                lock (total)
                    for (int i = 0; i < total.Length; i++) total[i] += scratch.TapSums[i];
                scratch.Return();
            });
        var sums = Array.ConvertAll(total, value => (float)value);
        return (dx, tensor(sums, new long[] { taps, inputs, outputs }));
    }

    /// <summary>tanh of the first <paramref name="length"/> floats of each of <paramref name="rows"/> rows, <paramref name="stride"/> apart, in place.</summary>
    internal static void TanhOfRows(Span<float> tile, int stride, int rows, int length)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = tile.Slice(r * stride, length);
            Fast.VectorTanh.Tanh(row, row);
        }
    }

    /// <summary>
    /// Multiplies a filled tile of the output gradient, <c>d[g, i]</c> = dy[g, start + i], by 1 − a[g, start + i]²
    /// where start + i &lt; N (the rest of the tile is zeros already).
    /// </summary>
    private static void TanhSlope(Span<float> tile, int rowLength, ReadOnlySpan<float> activations, int n, int start, int outputs)
    {
        int valid = Math.Min(rowLength, n - start);
        for (int g = 0; g < outputs; g++)
        {
            var row = tile.Slice(g * rowLength, valid);
            Fast.VectorTanh.Slope(row, activations.Slice(g * n + start, valid), row);
        }
    }

    /// <summary>The taps <c>[K, F, G]</c> as the forward kernel reads them: <c>w[g, f, k] = H[k, f, g]</c>, each a vector of one
    /// repeated value (output channel g reads input channel f at <c>s[f, j + K − 1 − k]</c>, i.e. <c>x[t0 + j − k]</c>).</summary>
    internal static Vector<float>[] ForwardWeights(Tensor coefficients)
    {
        int taps = (int)coefficients.shape[0], inputs = (int)coefficients.shape[1], outputs = (int)coefficients.shape[2];
        var h = Taps(coefficients);
        var weights = new Vector<float>[outputs * inputs * taps];
        for (int g = 0; g < outputs; g++)
            for (int f = 0; f < inputs; f++)
                for (int k = 0; k < taps; k++)
                    weights[(g * inputs + f) * taps + k] = new Vector<float>(h[(k * inputs + f) * outputs + g]);
        return weights;
    }

    private static float[] Taps(Tensor coefficients)
    {
        using var contiguous = coefficients.contiguous();
        return Floats(contiguous).ToArray();
    }

    /// <summary>The tensor's memory, which must be contiguous float32 on the CPU (no copy is made).</summary>
    internal static Span<float> Floats(Tensor t) => TensorMemory.Floats(t);

    /// <summary>Runs the work items on as many threads as libtorch is set to use, each thread with its own scratch.</summary>
    internal static void RunTiles<TScratch>(int count, Func<TScratch> newScratch, Action<int, TScratch> work, Action<TScratch> finish) =>
        TensorMemory.RunTiles(count, newScratch, work, finish);

    /// <summary>How a clip of N samples is cut into tiles for K taps.</summary>
    internal readonly struct Tiles
    {
        public Tiles(int n, int taps)
        {
            int block = CausalCorrelationKernels.BlockLength;
            Length = Math.Min(TileLength, (n + block - 1) / block * block);
            PerClip = (n + Length - 1) / Length;
            int width = Vector<float>.Count;
            RowLength = (Length + taps - 1 + width - 1) / width * width;
        }

        /// <summary>Output samples per tile, a multiple of the kernels' block.</summary>
        public int Length { get; }

        /// <summary>Tiles per clip (the last one may reach past N).</summary>
        public int PerClip { get; }

        /// <summary>Floats per scratch row: the tile and the K − 1 samples the taps reach beyond it.</summary>
        public int RowLength { get; }

        /// <summary>
        /// Copies <c>source[c, first + i]</c> into <c>tile[c·rowLength + i]</c> for every channel and i in
        /// <c>[0, rowLength)</c>, with zeros where the index falls before 0 or at or after <paramref name="n"/>.
        /// </summary>
        public static void Fill(ReadOnlySpan<float> source, int n, int first, int channels, int rowLength, Span<float> tile)
        {
            int from = Math.Max(0, -first), to = Math.Clamp(n - first, from, rowLength);
            for (int c = 0; c < channels; c++)
            {
                var row = tile.Slice(c * rowLength, rowLength);
                row[..from].Clear();
                source.Slice(c * n + first + from, to - from).CopyTo(row[from..to]);
                row[to..].Clear();
            }
        }

        /// <summary>Copies the valid part of a computed tile, <c>tile[o, j]</c> for <c>start + j &lt; n</c>, to <c>target[o, start + j]</c>.</summary>
        public static void Store(ReadOnlySpan<float> tile, int tileLength, int channels, Span<float> target, int n, int start)
        {
            int valid = Math.Min(tileLength, n - start);
            for (int c = 0; c < channels; c++)
                tile.Slice(c * tileLength, valid).CopyTo(target.Slice(c * n + start, valid));
        }
    }

    /// <summary>One thread's tiles for the forward pass, rented from the shared pool.</summary>
    private sealed class ForwardScratch(Tiles tiles, int inputs, int outputs)
    {
        private readonly float[] input = ArrayPool<float>.Shared.Rent(inputs * tiles.RowLength);
        private readonly float[] output = ArrayPool<float>.Shared.Rent(outputs * tiles.Length);
        public Span<float> Input => input.AsSpan(0, inputs * tiles.RowLength);
        public Span<float> Output => output.AsSpan(0, outputs * tiles.Length);

        public void Return()
        {
            ArrayPool<float>.Shared.Return(input);
            ArrayPool<float>.Shared.Return(output);
        }
    }

    /// <summary>One thread's tiles for the backward pass and its share of the taps' gradient.</summary>
    private sealed class BackwardScratch(Tiles tiles, int inputs, int outputs, int coefficients)
    {
        private readonly float[] input = ArrayPool<float>.Shared.Rent(inputs * tiles.RowLength);
        private readonly float[] outputGradient = ArrayPool<float>.Shared.Rent(outputs * tiles.RowLength);
        private readonly float[] inputGradient = ArrayPool<float>.Shared.Rent(inputs * tiles.Length);
        public Span<float> Input => input.AsSpan(0, inputs * tiles.RowLength);
        public Span<float> OutputGradient => outputGradient.AsSpan(0, outputs * tiles.RowLength);
        public Span<float> InputGradient => inputGradient.AsSpan(0, inputs * tiles.Length);
        public double[] TapSums { get; } = new double[coefficients];

        public void Return()
        {
            ArrayPool<float>.Shared.Return(input);
            ArrayPool<float>.Shared.Return(outputGradient);
            ArrayPool<float>.Shared.Return(inputGradient);
        }
    }
}
