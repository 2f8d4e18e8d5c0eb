using Workbook.Signals;
namespace Workbook.Fast;

/// <summary>How a causal MIMO convolution is computed. All give the same result (within float32 rounding).</summary>
public enum ConvolutionAlgorithm
{
    /// <summary>
    /// Pick the fastest by measurement (see the README's speed table): <see cref="Simd"/> for float32 on the CPU up to
    /// <see cref="CausalConvolution.SimdUpToTaps"/> taps; otherwise <see cref="Direct"/> for
    /// short filters between several channels (<see cref="CausalConvolution.FftFromTaps"/>), <see cref="Fft"/> when
    /// gradients are needed (training) and <see cref="OverlapSave"/> when not (denoising, evaluation).
    /// </summary>
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
    /// <summary>Short overlapping frames, each filtered through its spectrum (<see cref="OverlapSaveConvolution"/>). Fastest without gradients.</summary>
    OverlapSave,
    /// <summary>Multiplication of spectra (rfft/irfft) on a zero-padded length without wrap-around. Cost grows with N·log N, not with K.</summary>
    Fft,
    /// <summary>
    /// The workbook's own vector loops (AVX2 and FMA on x64, AdvSimd on ARM64) over the float32 samples, forward and
    /// backward, tile by tile (<see cref="SimdConvolution"/>). Cost grows with K·F·G per sample. Float32 on the CPU only.
    /// </summary>
    Simd,
}
