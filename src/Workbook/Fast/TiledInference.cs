using System.Buffers;
using System.Numerics;
using Workbook.Signals;
using static TorchSharp.torch;
using Workbook.Networks;

namespace Workbook.Fast;

/// <summary>
/// A <see cref="MimoCnn"/>'s forward pass without gradients, computed through every layer one tile of time at a time:
/// the hidden activations of a tile stay in the core's cache and are never written to memory. Each clip is cut into
/// tiles of <see cref="SimdConvolution.TileLength"/> output samples; for a tile starting at t₀, the last layer needs its
/// input from t₀ − (K_L − 1) on, the layer before it needs its own input K_{L−1} − 1 samples earlier still, and so on,
/// so layer l computes its outputs from t₀ − S_l, where S_L = 0 and S_{l−1} = S_l + K_l − 1 (rounded up to the
/// kernels' block). Those few samples before the tile are computed twice, once for each tile that needs them: for
/// the lab's [40, 40] taps, 64 extra samples of the first layer per 1024.
/// <para>
/// Why it is the same function: every layer runs the same vector loop as <see cref="SimdConvolution"/> with the
/// same order of additions, tanh is the same <see cref="VectorTanh"/>, and time before 0 holds zeros in every layer
/// (a layer has no bias, so zeros in give zeros out, and tanh(0) = 0): the result equals the training pass bit for bit
/// (tested). No intermediate tensor is allocated: with the lab's network a 50-clip evaluation no longer writes and
/// rereads 16 MB of hidden activations.
/// </para>
/// <para>
/// Used when every layer would run the vector loops anyway (float32 on the CPU, <see cref="ConvolutionAlgorithm.Simd"/>,
/// or <see cref="ConvolutionAlgorithm.Auto"/> up to <see cref="CausalConvolution.SimdUpToTaps"/> taps); otherwise
/// <see cref="SigmoidFoldedInference"/> runs the layers one after the other.
/// </para>
/// </summary>
internal static class TiledInference
{
    /// <summary>True when every layer would use the vector loops on <paramref name="input"/>.</summary>
    public static bool Supports(Tensor input, IReadOnlyList<MimoFilter> layers)
    {
        if (!layers.All(layer => FastPath.UsesVectorLoops(layer, input))) return false;
        // The output's size too: a span addresses it.
        return input.numel() / Math.Max(1, layers[0].F) * layers[^1].G < int.MaxValue / sizeof(float);
    }

    /// <summary>y for input <c>[B, F0, N]</c> (or <c>[F0, N]</c>), float32 on the CPU; no gradients flow.</summary>
    public static Tensor Run(Tensor input, IReadOnlyList<MimoFilter> layers, TanhPlacement tanh)
    {
        using var scope = NewDisposeScope();
        var x = TensorShapes.AsBatch(input, layers[0].F, "input", out bool wasBatched).contiguous();
        int batch = (int)x.shape[0], n = (int)x.shape[2];
        var plan = new Plan(layers, n, tanh);
        var y = empty(new long[] { batch, plan.Features[^1], n }, dtype: ScalarType.Float32);
        if (y.numel() > 0)
            SimdConvolution.RunTiles(batch * plan.Tiles.PerClip, () => new Scratch(plan), (item, scratch) =>
            {
                int clip = item / plan.Tiles.PerClip, start = item % plan.Tiles.PerClip * plan.Tiles.Length;
                var clipInput = SimdConvolution.Floats(x).Slice(clip * plan.Features[0] * n, plan.Features[0] * n);
                var clipOutput = SimdConvolution.Floats(y).Slice(clip * plan.Features[^1] * n, plan.Features[^1] * n);
                RunTile(plan, scratch, clipInput, clipOutput, n, start);
            }, scratch => scratch.Return());
        if (!wasBatched) y = y.squeeze(0);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>Every layer over one tile: from the clip's input rows to its output rows at <paramref name="start"/>.</summary>
    private static void RunTile(Plan plan, Scratch scratch, ReadOnlySpan<float> input, Span<float> output, int n, int start)
    {
        int layers = plan.Weights.Length, tile = plan.Tiles.Length;
        // The first layer's input: its outputs start at start − S_0 and reach K_0 − 1 samples back.
        SimdConvolution.Tiles.Fill(input, n, start - plan.Lead[0] - (plan.Taps[0] - 1), plan.Features[0], plan.InputRowLength, scratch.Input);
        ReadOnlySpan<float> source = scratch.Input;
        int sourceRow = plan.InputRowLength, sourceOffset = 0;
        for (int l = 0; l < layers; l++)
        {
            int outputs = plan.Features[l + 1], length = tile + plan.Lead[l];
            bool straightIntoOutput = l == layers - 1 && start + tile <= n;
            Span<float> target = straightIntoOutput ? output[start..] : scratch.Layer(l);
            int stride = straightIntoOutput ? n : length;
            CausalCorrelationKernels.CorrelateWithTaps(source[sourceOffset..], sourceRow, plan.Features[l], plan.Taps[l],
                plan.Weights[l], outputs, target, stride, length);
            if (plan.TanhAfter[l]) SimdConvolution.TanhOfRows(target, stride, outputs, length);
            if (l == layers - 1)
            {
                if (!straightIntoOutput) SimdConvolution.Tiles.Store(target, tile, outputs, output, n, start);
                return;
            }
            // The next layer reads this layer's rows from where its own first output's oldest tap falls.
            source = target;
            sourceRow = length;
            sourceOffset = plan.Lead[l] - plan.Lead[l + 1] - (plan.Taps[l + 1] - 1);
        }
    }

    /// <summary>The sizes every tile shares.</summary>
    private sealed class Plan
    {
        public Plan(IReadOnlyList<MimoFilter> layers, int n, TanhPlacement tanh)
        {
            int count = layers.Count, block = CausalCorrelationKernels.BlockLength;
            Tiles = new SimdConvolution.Tiles(n, 1);
            Taps = layers.Select(layer => (int)layer.K).ToArray();
            Features = layers.Select(layer => (int)layer.F).Append((int)layers[^1].G).ToArray();
            Weights = layers.Select(layer => SimdConvolution.ForwardWeights(layer.H.detach())).ToArray();
            TanhAfter = Enumerable.Range(0, count).Select(l => l < count - 1 || tanh == TanhPlacement.AfterEveryLayer).ToArray();
            Lead = new int[count];
            for (int l = count - 1; l > 0; l--)
                Lead[l - 1] = (Lead[l] + Taps[l] - 1 + block - 1) / block * block;
            int width = Vector<float>.Count;
            InputRowLength = (Tiles.Length + Lead[0] + Taps[0] - 1 + width - 1) / width * width;
        }

        public SimdConvolution.Tiles Tiles { get; }

        /// <summary>K_l for each layer.</summary>
        public int[] Taps { get; }

        /// <summary>F_0 … F_L.</summary>
        public int[] Features { get; }

        /// <summary>Each layer's taps as the kernel reads them.</summary>
        public Vector<float>[][] Weights { get; }

        /// <summary>Whether tanh follows layer l.</summary>
        public bool[] TanhAfter { get; }

        /// <summary>S_l: how many samples before the tile layer l computes (a multiple of the kernels' block).</summary>
        public int[] Lead { get; }

        /// <summary>Floats per row of the first layer's input.</summary>
        public int InputRowLength { get; }
    }

    /// <summary>One thread's rows: the first layer's input and every layer's output over a tile, rented from the shared pool.</summary>
    private sealed class Scratch
    {
        private readonly float[] input;
        private readonly float[][] layers;
        private readonly Plan plan;

        public Scratch(Plan plan)
        {
            this.plan = plan;
            input = ArrayPool<float>.Shared.Rent(plan.Features[0] * plan.InputRowLength);
            layers = Enumerable.Range(0, plan.Weights.Length)
                .Select(l => ArrayPool<float>.Shared.Rent(plan.Features[l + 1] * (plan.Tiles.Length + plan.Lead[l])))
                .ToArray();
        }

        public Span<float> Input => input.AsSpan(0, plan.Features[0] * plan.InputRowLength);

        /// <summary>Layer l's output rows over the tile and its lead.</summary>
        public Span<float> Layer(int l) => layers[l].AsSpan(0, plan.Features[l + 1] * (plan.Tiles.Length + plan.Lead[l]));

        public void Return()
        {
            ArrayPool<float>.Shared.Return(input);
            foreach (var rows in layers) ArrayPool<float>.Shared.Return(rows);
        }
    }
}
