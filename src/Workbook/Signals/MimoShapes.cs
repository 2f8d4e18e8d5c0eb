using static TorchSharp.torch;
using Workbook.Coursework;

namespace Workbook.Signals;

/// <summary>Checks that a signal and a MIMO coefficient tensor fit together, with messages that name both shapes.</summary>
internal static class MimoShapes
{
    public static void Check(Tensor signal, Tensor coefficients)
    {
        if (coefficients.dim() != 3)
            throw new ArgumentException(
                $"MIMO coefficients must be [K, F, G] (taps, input features, output features), but have shape {TensorShapes.Describe(coefficients)}",
                nameof(coefficients));
        if (signal.dim() != 2 && signal.dim() != 3)
            throw new ArgumentException(
                $"signal must be [B, F, N] or [F, N] (batch, features, time), but has shape {TensorShapes.Describe(signal)}", nameof(signal));
        long features = signal.shape[signal.dim() - 2];
        if (features != coefficients.shape[1])
            throw new ArgumentException(
                $"signal has {features} feature channels (shape {TensorShapes.Describe(signal)}) but the filter's coefficients " +
                $"{TensorShapes.Describe(coefficients)} expect F = {coefficients.shape[1]}", nameof(signal));
    }
}
