using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Training;

/// <summary>
/// The hyper-parameters of a training run. The defaults are the lab's Task 4:
/// SGD with learning rate 0.5, batches of 32 clips, 20 epochs, L1 loss.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training clips.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>SGD step size.</summary>
    public double LearningRate { get; init; } = 0.5;

    /// <summary>Clips per SGD step; the last batch of an epoch may be smaller.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Seeds the initial coefficients and the shuffling, so a run can be repeated exactly.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Where the model and data live during training ("cpu", "cuda", "cuda:1", …).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>
    /// libtorch threads; null measures the candidates at the start of training and keeps the fastest
    /// (see <see cref="Threads"/>), unless the <c>WORKBOOK_THREADS</c> environment variable fixes it.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>
    /// The divergence rule's factor: a test L1 above this many times the identity's (output = noisy input) is "far above"
    /// it. Doing nothing scores the identity's L1, so a model ten times worse has learnt nothing usable.
    /// </summary>
    public double DivergenceFactor { get; init; } = 10;

    /// <summary>
    /// The divergence rule's patience: a run whose test L1 stays far above the identity's this many epochs in a row
    /// (or at its last epoch) has diverged. One bad epoch early on may still recover; three rarely do.
    /// </summary>
    public int DivergencePatience { get; init; } = 3;

    /// <summary>The lab's Task 4 settings.</summary>
    public static TrainingOptions Lab { get; } = new();

    /// <summary>Throws an error naming the first option that makes no sense.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"epochs must be at least 1, not {Epochs}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"the learning rate must be a positive number, not {LearningRate}");
        if (BatchSize < 1) throw new ArgumentException($"the batch size must be at least 1, not {BatchSize}");
        if (!(DivergenceFactor > 1)) throw new ArgumentException($"the divergence factor must be above 1, not {DivergenceFactor}");
        if (DivergencePatience < 1) throw new ArgumentException($"the divergence patience must be at least 1, not {DivergencePatience}");
        if (Threads < 1) throw new ArgumentException($"the thread count must be at least 1, not {Threads}");
    }

    /// <summary>The TorchSharp device named by <see cref="Device"/>, with a clear error for an unknown or unavailable one.</summary>
    public Device ResolveDevice() => Devices.Resolve(Device);
}
