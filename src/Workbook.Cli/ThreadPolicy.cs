namespace Workbook.Cli;

/// <summary>Applies the <c>--threads</c> option of the verbs that do not train: 0 keeps libtorch's default.</summary>
internal static class ThreadPolicy
{
    public static void Apply(int threads)
    {
        if (threads > 0) Workbook.Fast.Threads.Use(threads);
    }
}
