using Workbook.Display;
using Workbook.Fast;
using Workbook.Hosting;

namespace Workbook;

/// <summary>What a notebook's setup cell calls: <c>Workbook.Notebook.Setup()</c>.</summary>
public static class Notebook
{
    /// <summary>
    /// Prepares this notebook for the workbook: the FSharp.Core fix, TorchSharp's own native libraries (loaded by
    /// path, so a system libtorch cannot be picked up instead), the display formatters. Returns one line saying which
    /// Workbook.dll and libtorch are loaded. Safe to run more than once. First, OpenMP's threads are told to sleep
    /// between operations (<see cref="Fast.OpenMpWaitPolicy"/>), which takes effect if libtorch is not loaded yet, and
    /// the C library keeps freed tensors' memory for the next ones (<see cref="Fast.FreedMemoryPolicy"/>).
    /// Last, a thread count fixed by <c>WORKBOOK_THREADS</c> (<see cref="Fast.Threads.Variable"/>) is applied to
    /// libtorch and the workbook's vector loops: the headless runner sets it when notebooks run side by side.
    /// </summary>
    public static string Setup()
    {
        Fast.OpenMpWaitPolicy.PreferSleepingThreads();
        Fast.FreedMemoryPolicy.KeepFreedMemory();
        string loaded = NotebookSetup.Register();
        if (Fast.Threads.FromEnvironment is int threads)
        {
            Fast.Threads.Use(threads);
            loaded += $" Threads: {threads} ({Fast.Threads.Variable}).";
        }
        return loaded;
    }
}
