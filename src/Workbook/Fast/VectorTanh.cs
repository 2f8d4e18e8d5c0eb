using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Workbook.Signals;
using static TorchSharp.torch;

namespace Workbook.Fast;

/// <summary>
/// tanh and its backward product in one pass over memory each, for contiguous float32 tensors on the CPU:
/// <c>y = tanh(x)</c> and <c>dx = dy · (1 − y²)</c>, both in vector loops. tanh is the rational approximation
/// libraries such as Eigen use for float32 (odd polynomial of degree 13 over even of degree 6, the input clamped to
/// ±7.9988, from where tanh rounds to ±1 in float32): within 3·10⁻⁷ of tanh everywhere (2.8·10⁻⁷ at worst on a dense grid; tested), a dozen multiply-adds
/// and one division per 8 samples. <c>TensorPrimitives.Tanh</c> (System.Numerics.Tensors 9) is slower even than
/// libtorch's four-pass sigmoid form (docs/performance.md). Written this way, a hidden layer's tanh reads and writes its
/// <c>[32, 5, 16000]</c> activations once forward and once backward, where the libtorch form
/// (<c>2σ(2x) − 1</c>, then <c>dy · (1 − y²)</c>) took four passes and an extra tensor each way.
/// The work is split into chunks shared among libtorch's thread count, as the convolution's tiles are.
/// </summary>
internal static class VectorTanh
{
    /// <summary>True for float32 tensors on the CPU that a span can address.</summary>
    public static bool Supports(Tensor t) => TensorMemory.Addressable(t);

    /// <summary>tanh(x), a new tensor.</summary>
    public static Tensor Forward(Tensor x)
    {
        using var input = x.contiguous();
        var y = empty_like(input);
        int count = (int)input.numel();
        TensorMemory.RunChunks(count, (_, start, length) => Tanh(TensorMemory.Floats(input).Slice(start, length), TensorMemory.Floats(y).Slice(start, length)));
        return y;
    }

    /// <summary>dy · (1 − y²), a new tensor, from the saved output y and the output gradient dy.</summary>
    public static Tensor Backward(Tensor outputGradient, Tensor output)
    {
        using var dy = outputGradient.contiguous();
        using var y = output.contiguous();
        var dx = empty_like(y);
        TensorMemory.RunChunks((int)y.numel(), (_, start, length) => Slope(TensorMemory.Floats(dy).Slice(start, length), TensorMemory.Floats(y).Slice(start, length), TensorMemory.Floats(dx).Slice(start, length)));
        return dx;
    }

    // The approximation's coefficients (Eigen's ptanh for float): tanh(x) ≈ x·P(x²) / Q(x²) on [−c, c].
    private const float Clamp = 7.99881172180175781f;
    private const float A1 = 4.89352455891786e-03f, A3 = 6.37261928875436e-04f, A5 = 1.48572235717979e-05f,
        A7 = 5.12229709037114e-08f, A9 = -8.60467152213735e-11f, A11 = 2.00018790482477e-13f, A13 = -2.76076847742355e-16f;
    private const float B0 = 4.89352518554385e-03f, B2 = 2.26843463243900e-03f, B4 = 1.18534705686654e-04f, B6 = 1.19825839466702e-06f;

    /// <summary>y[i] = tanh(x[i]); x and y may be the same memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call: see CausalCorrelationKernels
    internal static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        var high = new Vector<float>(Clamp);
        for (int v = 0; v < vy.Length; v++)
        {
            // The native min and max are one instruction each but turn NaN into the bound: put NaN back, so that a
            // diverged training run still shows NaN (infinities clamp to ±1, as tanh's limits).
            var value = vx[v];
            vy[v] = Vector.ConditionalSelect(Vector.Equals(value, value), Tanh(Vector.MinNative(Vector.MaxNative(value, -high), high)), value);
        }
        for (int i = vy.Length * Vector<float>.Count; i < y.Length; i++) y[i] = Tanh(Math.Clamp(x[i], -Clamp, Clamp));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Tanh(Vector<float> x)
    {
        var x2 = x * x;
        var p = Vector.FusedMultiplyAdd(x2, new Vector<float>(A13), new Vector<float>(A11));
        p = Vector.FusedMultiplyAdd(p, x2, new Vector<float>(A9));
        p = Vector.FusedMultiplyAdd(p, x2, new Vector<float>(A7));
        p = Vector.FusedMultiplyAdd(p, x2, new Vector<float>(A5));
        p = Vector.FusedMultiplyAdd(p, x2, new Vector<float>(A3));
        p = Vector.FusedMultiplyAdd(p, x2, new Vector<float>(A1));
        var q = Vector.FusedMultiplyAdd(x2, new Vector<float>(B6), new Vector<float>(B4));
        q = Vector.FusedMultiplyAdd(q, x2, new Vector<float>(B2));
        q = Vector.FusedMultiplyAdd(q, x2, new Vector<float>(B0));
        return p * x / q;
    }

    /// <summary>The same for one value (the tail that does not fill a vector), in the same order of operations.</summary>
    private static float Tanh(float x)
    {
        float x2 = x * x;
        float p = MathF.FusedMultiplyAdd(x2, A13, A11);
        p = MathF.FusedMultiplyAdd(p, x2, A9);
        p = MathF.FusedMultiplyAdd(p, x2, A7);
        p = MathF.FusedMultiplyAdd(p, x2, A5);
        p = MathF.FusedMultiplyAdd(p, x2, A3);
        p = MathF.FusedMultiplyAdd(p, x2, A1);
        float q = MathF.FusedMultiplyAdd(x2, B6, B4);
        q = MathF.FusedMultiplyAdd(q, x2, B2);
        q = MathF.FusedMultiplyAdd(q, x2, B0);
        return p * x / q;
    }

    /// <summary>dx[i] = dy[i] · (1 − y[i]²); dx and dy may be the same memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Slope(ReadOnlySpan<float> dy, ReadOnlySpan<float> y, Span<float> dx)
    {
        var vdy = MemoryMarshal.Cast<float, Vector<float>>(dy);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        var vdx = MemoryMarshal.Cast<float, Vector<float>>(dx);
        for (int v = 0; v < vdx.Length; v++) vdx[v] = vdy[v] * (Vector<float>.One - vy[v] * vy[v]);
        for (int i = vdx.Length * Vector<float>.Count; i < dx.Length; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
    }
}
