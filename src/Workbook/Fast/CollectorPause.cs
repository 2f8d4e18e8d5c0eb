using System.Runtime;

namespace Workbook.Fast;

/// <summary>
/// Holds the .NET garbage collector off while a stretch of libtorch work runs (a training epoch, a scoring pass).
/// <para>
/// Why: TorchSharp 0.107 turns every number it passes to libtorch into a native <c>c10::Scalar</c> owned by a managed
/// object that nothing references once its handle has been read; even <c>a + b</c> of two tensors makes one (its
/// <c>alpha = 1</c>). When another thread's allocation starts a collection during the native call, the finalizer
/// thread can free that Scalar while libtorch is still reading it, and libtorch stops with "Expected false to be
/// true, but got false" (from <c>Scalar::toFloat</c>), or reads garbage. In a notebook the kernel's own threads
/// allocate (a live chart's update, a display), and notebook 05 failed that way in CI. No collection, no
/// finalization: inside a pause the collector does not run until <see cref="Budget"/> bytes have been allocated, by
/// any thread. With an allocating thread beside a loop of such calls the race is rare but certain to happen in a long
/// run, and it never happens inside pauses (docs/performance.md).
/// </para>
/// <para>
/// A pause is best effort: when the budget runs out the runtime collects and the pause ends early (an epoch of the
/// improved recipe allocates about 100 MB; the lab's, 1 MB), and a runtime with a heap hard limit (set by
/// <c>DOTNET_GCHeapHardLimit</c>, or by a container's memory limit) refuses every no-GC region, however small, so
/// there a pause does nothing. Pauses do not nest: inside another pause
/// (ours or the caller's) <see cref="Begin"/> does nothing and <see cref="End"/> leaves the other pause alone.
/// </para>
/// </summary>
/// <example>
/// <code>
/// using (CollectorPause.Begin()) { foreach (var batch in batches) Step(batch); }
/// var history = CollectorPause.During(() => Train(model, train, test, options, live.Add));
/// </code>
/// </example>
public sealed class CollectorPause : IDisposable
{
    /// <summary>Bytes that may be allocated before the collector runs anyway: four times the improved recipe's epoch.</summary>
    public const long Budget = 512L << 20;

    /// <summary>The budget tried when the runtime refuses <see cref="Budget"/> (a heap limit): a lab epoch's allocations many times over.</summary>
    public const long SmallBudget = 64L << 20;

    private bool owned;

    private CollectorPause() { }

    /// <summary>Starts a pause, unless one is already on (then this one does nothing).</summary>
    public static CollectorPause Begin()
    {
        var pause = new CollectorPause();
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return pause;
        foreach (long budget in new[] { Budget, SmallBudget })
        {
            try
            {
                pause.owned = GC.TryStartNoGCRegion(budget);
                if (pause.owned) break;
            }
            catch (ArgumentOutOfRangeException)
            {
                // More than this runtime allows at once: try the smaller budget.
            }
            catch (InvalidOperationException)
            {
                // Another thread started a region between the check and the call: that region holds the collector off.
                break;
            }
        }
        return pause;
    }

    /// <summary>Runs <paramref name="work"/> inside a pause and returns its result.</summary>
    public static T During<T>(Func<T> work)
    {
        using var pause = Begin();
        return work();
    }

    /// <summary>True while this pause holds the collector off (false once the budget ran out, or for a nested pause).</summary>
    public bool Holding => owned && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;

    /// <summary>Lets the collector run again (nothing when this pause did not start one, or it already ended).</summary>
    public void End()
    {
        if (!owned) return;
        owned = false;
        if (GCSettings.LatencyMode != GCLatencyMode.NoGCRegion) return;
        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // The region ended by itself (its budget was exceeded, or something collected): nothing to end.
        }
    }

    public void Dispose() => End();
}
