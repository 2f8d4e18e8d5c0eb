using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Workbook.Signals;
using static TorchSharp.torch;

namespace Workbook.Fast;

/// <summary>Sums of absolute and squared errors, accumulated in float64 so that means over many clips stay exact.</summary>
/// <remarks>
/// Every error is the float32 difference ŷ − y (as libtorch's subtraction rounds it), widened to float64, where its
/// absolute value and its square are exact; only the order of the additions differs between the two paths below.
/// For float32 tensors of one shape on the CPU that is one vector loop over the two tensors' memory, chunk by chunk on
/// libtorch's thread count; chunk sums are added in chunk order, so the result does not depend on the thread count.
/// Written with libtorch it would be a difference, a float64 copy, its absolute value and its square: five passes over
/// the 300 clips a Task 4 epoch evaluates and four temporaries, where the loop makes one pass and none.
/// </remarks>
internal sealed class ErrorSums
{
    private double absolute, squared;
    private long count;

    /// <summary>Adds the element-wise errors of one batch (<c>[B, G, N]</c> each).</summary>
    public void Add(Tensor output, Tensor target)
    {
        if (VectorLoopApplies(output, target))
        {
            using var y = output.contiguous();
            using var t = target.contiguous();
            var (a, s) = Sums(y, t);
            absolute += a;
            squared += s;
            count += y.numel();
            return;
        }
        using var scope = NewDisposeScope();
        var error = (output - target).to(float64);
        absolute += error.abs().sum().item<double>();
        squared += error.square().sum().item<double>();
        count += error.numel();
    }

    /// <summary>Mean |ŷ − y|, the L1 loss.</summary>
    public double MeanAbsolute => absolute / count;

    /// <summary>Mean (ŷ − y)², the MSE.</summary>
    public double MeanSquared => squared / count;

    private static bool VectorLoopApplies(Tensor output, Tensor target) =>
        TensorMemory.Addressable(output) && TensorMemory.Addressable(target) && output.shape.SequenceEqual(target.shape);

    /// <summary>Σ|ŷ − y| and Σ(ŷ − y)² of two contiguous float32 tensors with as many elements.</summary>
    internal static (double Absolute, double Squared) Sums(Tensor output, Tensor target)
    {
        int length = (int)output.numel();
        int chunks = (length + TensorMemory.ChunkLength - 1) / TensorMemory.ChunkLength;
        var absolute = new double[chunks];
        var squared = new double[chunks];
        TensorMemory.RunChunks(length, (chunk, start, size) =>
            (absolute[chunk], squared[chunk]) = ChunkSums(TensorMemory.Floats(output).Slice(start, size), TensorMemory.Floats(target).Slice(start, size)));
        double a = 0, s = 0;
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            a += absolute[chunk];
            s += squared[chunk];
        }
        return (a, s);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call: see CausalCorrelationKernels
    private static (double Absolute, double Squared) ChunkSums(ReadOnlySpan<float> output, ReadOnlySpan<float> target)
    {
        var y = MemoryMarshal.Cast<float, Vector<float>>(output);
        var t = MemoryMarshal.Cast<float, Vector<float>>(target);
        Vector<double> absolute = Vector<double>.Zero, squared = Vector<double>.Zero;
        for (int v = 0; v < y.Length; v++)
        {
            Vector.Widen(y[v] - t[v], out Vector<double> low, out Vector<double> high);
            absolute += Vector.Abs(low) + Vector.Abs(high);
            squared += low * low + high * high;
        }
        double a = Vector.Sum(absolute), s = Vector.Sum(squared);
        for (int i = y.Length * Vector<float>.Count; i < output.Length; i++)
        {
            double error = output[i] - target[i];
            a += Math.Abs(error);
            s += error * error;
        }
        return (a, s);
    }
}
