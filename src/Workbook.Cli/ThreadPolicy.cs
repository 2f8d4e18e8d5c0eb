using static TorchSharp.torch;

namespace Workbook.Cli;

/// <summary>Applies the <c>--threads</c> option: 0 keeps the library's measured default (see <see cref="Workbook.Training.Threads"/>).</summary>
internal static class ThreadPolicy
{
    public static void Apply(int threads) => Workbook.Training.Threads.Use(threads == 0 ? null : threads);
}
