namespace Workbook.Signals;

/// <summary>How a causal MIMO convolution is computed. All give the same result (within float32 rounding).</summary>
public enum ConvolutionAlgorithm
{
    /// <summary>Pick the fastest for the filter length: <see cref="Fft"/> for long filters, <see cref="Direct"/> for short ones.</summary>
    Auto,
    /// <summary>The lab's definition, K shifts and K matrix products (<see cref="ShiftRegisterConvolution"/>). Slow; the reference.</summary>
    ShiftRegister,
    /// <summary>libtorch's <c>conv1d</c> on the input padded with K−1 zeros at the start. Cost grows with K·N.</summary>
    Direct,
    /// <summary>
    /// The signal cut into blocks of M samples; each output block is a matrix product of the current and previous input
    /// blocks with block-Toeplitz matrices built from the taps. One large matrix multiplication (GEMM) per layer.
    /// </summary>
    Blocked,
    /// <summary>Multiplication of spectra (rfft/irfft) on a zero-padded length without wrap-around. Cost grows with N·log N, not with K.</summary>
    Fft,
}
