using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Fast;

/// <summary>
/// How many threads libtorch uses. On a shared 2-core machine, libtorch's two OpenMP threads are
/// several times slower than one whenever the other core is busy, and up to nearly twice as fast when it is
/// idle; on larger machines more threads pay off up to a point. No fixed number is right everywhere, so the
/// trainer measures: its first training steps take turns with each candidate count and it keeps the fastest
/// (<see cref="ThreadTrial"/>). A user can fix the count instead (<c>--threads N</c>, <see cref="Training.TrainingOptions.Threads"/>,
/// or the <c>WORKBOOK_THREADS</c> environment variable).
/// </summary>
public static class Threads
{
    /// <summary>The environment variable that fixes the thread count.</summary>
    public const string Variable = "WORKBOOK_THREADS";

    /// <summary>The count fixed by <see cref="Variable"/>, or null when it is not set.</summary>
    public static int? FromEnvironment =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), out int count) && count > 0 ? count : null;

    /// <summary>Candidate counts to measure: one thread, every core, and half the cores in between.</summary>
    public static IReadOnlyList<int> Candidates
    {
        get
        {
            int cores = Environment.ProcessorCount;
            return new[] { 1, Math.Max(1, cores / 2), cores }.Distinct().ToArray();
        }
    }

    /// <summary>Sets libtorch's intra-op thread count.</summary>
    public static void Use(int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "the thread count must be at least 1");
        set_num_threads(count);
    }
}
