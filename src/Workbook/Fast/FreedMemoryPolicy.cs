using System.Runtime.InteropServices;

namespace Workbook.Fast;

/// <summary>
/// Tells the C library's allocator (glibc's malloc, which libtorch's CPU tensors use) to keep freed memory for the next
/// tensor instead of handing it back to the kernel.
/// <para>
/// Why: by default glibc serves every allocation above a threshold (at most 32 MB) with a fresh <c>mmap</c> and returns
/// it with <c>munmap</c> when the tensor is freed, and it trims the heap's free top back to the kernel. A network over a
/// 10-second block makes many band-sized tensors (24 bands × 170 000 samples, 16 MB each), so each of them is mapped
/// afresh, and every one of its pages is faulted in and zeroed by the kernel before the first number is written. On
/// these virtual machines that costs more than the arithmetic: the filter-bank network with the pitch comb ran five
/// times slower on a block than with freed memory kept (docs/performance.md). Allocators built for this (jemalloc,
/// tcmalloc) keep freed memory; the Python yardstick is run with the same settings (<c>tools/pytorch-task4-bench.py</c>).
/// </para>
/// <para>
/// <c>mallopt</c> changes the settings while the process runs (the <c>MALLOC_*</c> variables are read only at its
/// start). The cost: the process keeps the memory of its largest moment until it exits, as those allocators do.
/// Linux with glibc only; elsewhere nothing changes.
/// </para>
/// </summary>
public static class FreedMemoryPolicy
{
    // glibc's malloc.h.
    private const int TrimThreshold = -1, TopPad = -2, MapThreshold = -3;

    /// <summary>Allocations up to this size come from the heap, whose freed memory is reused: glibc's largest
    /// allowed threshold on 64-bit systems, above the network's band-sized tensors.</summary>
    public const int HeapAllocationLimit = 32 << 20;

    /// <summary>
    /// Keeps freed memory for reuse (see the class). Returns true if the C library took the settings; a user who set
    /// any <c>MALLOC_</c> variable has chosen for themselves, and nothing changes.
    /// </summary>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return false;
        foreach (var name in new[] { "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_ARENA_MAX" })
            if (Environment.GetEnvironmentVariable(name) is not null) return false;
        try
        {
            return SetOption(MapThreshold, HeapAllocationLimit) == 1
                   & SetOption(TrimThreshold, 1 << 30) == 1
                   & SetOption(TopPad, 64 << 20) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // another C library (musl): slower, not wrong
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int SetOption(int parameter, int value);
}
