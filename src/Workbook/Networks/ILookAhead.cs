using static TorchSharp.torch;

namespace Workbook.Networks;

/// <summary>
/// A network whose output at sample n also depends on the next <see cref="Latency"/> input samples. In real time it runs
/// causally (<see cref="Delayed"/>: each output sample from the input up to it, estimating the clean sample
/// <see cref="Latency"/> samples back) and its output comes that many samples late; its <c>forward</c> gives the same
/// output moved back into step with the input, the end of the input followed by silence.
/// </summary>
public interface ILookAhead
{
    /// <summary>Samples by which the causal output lags the input.</summary>
    int Latency { get; }

    /// <summary>The causal output, <c>[B, 1, N]</c>: sample n estimates the clean sample n − <see cref="Latency"/>.</summary>
    Tensor Delayed(Tensor x);
}
