using static TorchSharp.torch;

namespace Workbook.Tests;

/// <summary>Sets libtorch's thread count (which the vector loops follow too) for a test and puts the previous count back:
/// <c>using var _ = LibTorchThreads.Set(2);</c></summary>
internal sealed class LibTorchThreads : IDisposable
{
    private readonly int before = get_num_threads();

    private LibTorchThreads(int threads) => set_num_threads(threads);

    public static LibTorchThreads Set(int threads) => new(threads);

    public void Dispose() => set_num_threads(before);
}
