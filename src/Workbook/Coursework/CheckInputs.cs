using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// The random-looking inputs of the visible checks that compare with an expected output. The student kit carries those
/// outputs as stored data, found by the input they belong to (<see cref="ExpectedKey"/>), so an input must come out
/// bit for bit the same on every machine: it is drawn from a <see cref="Random"/> seeded by the input's label (which is
/// portable) with additions only (no library maths whose last bit may differ between platforms), and rounded to float32 once.
/// </summary>
public static class CheckInputs
{
    /// <summary>
    /// A float32 tensor of the given shape, roughly normal with standard deviation <paramref name="scale"/> (the sum
    /// of twelve uniform numbers, less six), the same for the same label everywhere.
    /// </summary>
    public static Tensor Normal(string label, double scale, params long[] shape)
    {
        var random = new Random(StableSeed(label));
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++)
        {
            double sum = -6;
            for (int j = 0; j < 12; j++) sum += random.NextDouble();
            values[i] = (float)(sum * scale);
        }
        return tensor(values, shape);
    }

    /// <summary>A seed from the label's characters (string.GetHashCode differs from run to run).</summary>
    private static int StableSeed(string label)
    {
        uint hash = 2166136261;
        foreach (char c in label) hash = (hash ^ c) * 16777619;
        return (int)(hash & 0x7fffffff);
    }
}
