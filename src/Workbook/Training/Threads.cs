using static TorchSharp.torch;

namespace Workbook.Training;

/// <summary>
/// How many threads libtorch uses. On a shared 2-core machine, libtorch's two OpenMP threads were measured to be
/// several times slower than one whenever the other core was busy, and barely faster when it was idle; on larger
/// machines more threads pay off. The default is therefore one thread on machines with up to 2 cores and half the
/// cores (at most 8) above that; <c>WORKBOOK_THREADS</c> or an explicit count overrides it.
/// </summary>
public static class Threads
{
    /// <summary>The environment variable that overrides the default thread count.</summary>
    public const string Variable = "WORKBOOK_THREADS";

    /// <summary>The thread count chosen for this machine when nobody says otherwise.</summary>
    public static int Default
    {
        get
        {
            if (int.TryParse(Environment.GetEnvironmentVariable(Variable), out int fromEnvironment) && fromEnvironment > 0)
                return fromEnvironment;
            int cores = Environment.ProcessorCount;
            return cores <= 2 ? 1 : Math.Min(8, cores / 2);
        }
    }

    /// <summary>Sets libtorch's intra-op thread count (null: <see cref="Default"/>).</summary>
    public static void Use(int? threads = null)
    {
        int count = threads ?? Default;
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(threads), count, "the thread count must be at least 1");
        set_num_threads(count);
    }
}
