using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Workbook.Fast;

/// <summary>
/// A float32 tensor's memory as a span, and loops over it shared among libtorch's threads: what the vector loops of
/// the convolutions, the error sums and tanh have in common. Nothing here filters; the student kit keeps it.
/// </summary>
internal static class TensorMemory
{
    /// <summary>True for a float32 tensor on the CPU small enough for <see cref="Floats"/> to address (2³¹ bytes).</summary>
    public static bool Addressable(Tensor t) =>
        t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float32 && t.numel() < int.MaxValue / sizeof(float);

    /// <summary>The tensor's memory, which must be contiguous float32 on the CPU (no copy is made).</summary>
    public static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <summary>Runs the work items on as many threads as libtorch is set to use (the workbook's one thread setting), each thread with its own scratch.</summary>
    public static void RunTiles<TScratch>(int count, Func<TScratch> newScratch, Action<int, TScratch> work, Action<TScratch> finish)
    {
        int threads = Math.Min(get_num_threads(), count);
        if (threads <= 1)
        {
            var scratch = newScratch();
            for (int item = 0; item < count; item++) work(item, scratch);
            finish(scratch);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, newScratch,
            (item, _, scratch) => { work(item, scratch); return scratch; }, finish);
    }

    /// <summary>Elements per chunk of <see cref="RunChunks"/>: 256 kB of floats, enough to amortise scheduling, small enough to share out.</summary>
    public const int ChunkLength = 1 << 16;

    /// <summary>
    /// Runs <paramref name="work"/>(chunk, start, length) over <paramref name="count"/> elements cut into chunks of
    /// <see cref="ChunkLength"/>, shared among threads as the tiles are: for element-wise loops over whole tensors.
    /// </summary>
    public static void RunChunks(int count, Action<int, int, int> work) =>
        RunTiles<object?>((count + ChunkLength - 1) / ChunkLength, () => null,
            (chunk, _) => work(chunk, chunk * ChunkLength, Math.Min(ChunkLength, count - chunk * ChunkLength)), _ => { });
}
