using static TorchSharp.torch;

namespace Workbook.Training;

/// <summary>Sums of absolute and squared errors, accumulated in float64 so that means over many clips stay exact.</summary>
internal sealed class ErrorSums
{
    private double absolute, squared;
    private long count;

    /// <summary>Adds the element-wise errors of one batch (<c>[B, G, N]</c> each).</summary>
    public void Add(Tensor output, Tensor target)
    {
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
}
