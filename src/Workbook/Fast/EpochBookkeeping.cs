using System.Diagnostics;
using Workbook.Training;
using Workbook.FilterBank;

namespace Workbook.Fast;

/// <summary>
/// What every training loop of the workbook does around its own steps (<see cref="Trainer"/> for the lab's recipe,
/// <see cref="FilterBankRecipe"/> for the improved one): choosing the thread count on the first steps
/// (<see cref="ThreadTrial"/>), holding the garbage collector off while libtorch works (<see cref="CollectorPause"/>),
/// releasing autograd nodes once per epoch, stopping when a loss is no longer a finite number, and keeping the
/// <see cref="TrainingHistory"/>.
/// </summary>
/// <example>
/// <code>
/// using var run = new EpochBookkeeping(options.Threads, options.LearningRate);
/// for (int epoch = 1; epoch &lt;= epochs; epoch++)
/// {
///     foreach (var batch in batches) run.Step(batch.Length, () => TrainOn(batch));
///     run.ReleaseAutogradNodes();
///     if (!run.EndEpoch(Measure(epoch), onEpoch)) break;
/// }
/// return run.Finish();
/// </code>
/// </example>
internal sealed class EpochBookkeeping : IDisposable
{
    private readonly ThreadTrial? threads;
    private readonly double learningRate;
    private CollectorPause? pause;

    /// <param name="requestedThreads">a fixed thread count, or null to choose it on the first steps</param>
    /// <param name="learningRate">named in the message of a run that diverges</param>
    public EpochBookkeeping(int? requestedThreads, double learningRate)
    {
        threads = ThreadTrial.Start(requestedThreads, History);
        this.learningRate = learningRate;
        // From here to the end of the run, except while onEpoch runs: see CollectorPause for why.
        pause = CollectorPause.Begin();
    }

    /// <summary>The epochs so far, the thread choice and, once stopped, why.</summary>
    public TrainingHistory History { get; } = new();

    /// <summary>Runs one training step of <paramref name="clips"/> clips at the thread count the trial sets, timing it for the trial.</summary>
    public void Step(int clips, Action step)
    {
        threads?.BeforeStep();
        var clock = Stopwatch.StartNew();
        step();
        threads?.AfterStep(clock.Elapsed, clips);
    }

    /// <summary>
    /// TorchSharp's custom autograd functions (<see cref="Fast.FftConvolution"/>, <see cref="Fast.Tanh"/>, the
    /// SIMD convolution) leave a managed node per call that holds native tensors until the .NET finalizer releases it;
    /// the garbage collector cannot see that native memory, so it would let tens of MB per batch pile up. Collecting
    /// once per epoch, after its steps, keeps memory flat (<c>bench</c> prints the working set after epoch 2 and after
    /// epoch 20). The collector is then held off again for the epoch's evaluation.
    /// </summary>
    public void ReleaseAutogradNodes()
    {
        EndPause();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        pause = CollectorPause.Begin();
    }

    private void EndPause()
    {
        pause?.End();
        pause = null;
    }

    /// <summary>
    /// Records an epoch's losses: false, with the history stopped and saying why, when one is NaN or infinite (that
    /// epoch is not kept); otherwise the epoch joins the history, goes to <paramref name="onEpoch"/>, and true.
    /// </summary>
    public bool EndEpoch(EpochResult result, Action<EpochResult>? onEpoch)
    {
        EndPause();
        if (History.ThreadChoice.Length == 0 && threads?.Chosen != null) History.ThreadChoice = threads.Describe();
        double sum = result.TrainL1 + result.TestL1 + result.TrainMse + result.TestMse;
        if (!double.IsFinite(sum))
        {
            History.Stop($"training diverged at epoch {result.Epoch}: the loss became {(double.IsNaN(sum) ? "NaN" : "infinite")} " +
                         $"(learning rate {learningRate}); try a smaller learning rate", diverged: true);
            return false;
        }
        History.Add(result);
        // The callback may draw (a chart's redraw allocates on the notebook kernel's threads after it returns); the
        // pause that follows starts with a collection of its own and holds the collector off through that.
        onEpoch?.Invoke(result);
        pause = CollectorPause.Begin();
        return true;
    }

    /// <summary>Ends the thread trial if the run was shorter than it, and returns the history.</summary>
    public TrainingHistory Finish()
    {
        EndPause();
        if (threads != null)
        {
            threads.Finish();
            if (History.ThreadChoice.Length == 0) History.ThreadChoice = threads.Describe();
        }
        return History;
    }

    /// <summary>Ends a pause left on by a step that threw.</summary>
    public void Dispose() => EndPause();
}
