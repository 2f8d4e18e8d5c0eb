using static TorchSharp.torch;

namespace Workbook.Tests;

/// <summary>Assertions on tensors that say how far apart two tensors are when they fail.</summary>
internal static class TensorAssert
{
    /// <summary>‖actual − expected‖ / ‖expected‖ ≤ tolerance (absolute when expected is all zeros).</summary>
    public static void Close(Tensor expected, Tensor actual, double tolerance = 1e-5, string what = "tensor")
    {
        Assert.Equal(expected.shape, actual.shape);
        double difference = (actual.to(float64) - expected.to(float64)).norm().item<double>();
        double scale = expected.to(float64).norm().item<double>();
        double error = scale > 0 ? difference / scale : difference;
        Assert.True(error <= tolerance, $"{what}: relative error {error:E3} exceeds {tolerance:E1}");
    }

    public static void Equal(float[] expected, Tensor actual, float tolerance = 1e-6f)
    {
        var values = actual.to(float32).data<float>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - values[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {values[i]}");
    }
}
