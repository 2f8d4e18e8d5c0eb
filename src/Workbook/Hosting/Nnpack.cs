using System.Runtime.InteropServices;
using TorchSharp;

namespace Workbook.Hosting;

/// <summary>
/// Turns off libtorch's NNPACK convolutions, so that a CPU NNPACK cannot run on prints nothing.
/// </summary>
/// <remarks>
/// Before libtorch picks a kernel for a float convolution on the CPU it asks whether NNPACK is available, ahead of the
/// shape checks that would rule NNPACK out anyway; on a CPU NNPACK does not support, the first question on each thread
/// writes "Could not initialize NNPACK! Reason: Unsupported hardware." to stderr. The filter-bank CNN's 1×1 and dilated
/// convolutions ask it, so <c>denoise</c> and <c>evaluate</c> printed those lines. TorchSharp 0.107 has no
/// <c>torch.backends.nnpack</c>; this calls the switch behind PyTorch's
/// <c>torch.backends.nnpack.set_flags(False)</c>, <c>at::globalContext().setUserEnabledNNPACK(false)</c>, through the two
/// C++ functions libtorch exports for it. With the switch off libtorch never asks and runs the convolution with its
/// other kernels (oneDNN, or its own), which compute the same sums. The exported names are the Itanium C++ ABI's
/// (Linux and macOS); elsewhere they are not found and nothing changes.
/// </remarks>
public static class Nnpack
{
    private const string GlobalContextName = "_ZN2at13globalContextEv";                       // at::globalContext()
    private const string SetUserEnabledName = "_ZN2at7Context20setUserEnabledNNPACKEb";          // at::Context::setUserEnabledNNPACK(bool)
    private const string UserEnabledName = "_ZNK2at7Context17userEnabledNNPACKEv";               // at::Context::userEnabledNNPACK() const

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GlobalContext();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SetUserEnabled(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.U1)]
    private delegate bool UserEnabled(IntPtr context);

    private static readonly object gate = new();
    private static bool turnedOff;

    /// <summary>
    /// Turns NNPACK off for the whole process (once; later calls return at once). Returns true when libtorch now has it
    /// off, false when this libtorch does not export the switch.
    /// </summary>
    public static bool TurnOff()
    {
        lock (gate)
        {
            if (turnedOff) return true;
            if (Switch() is not var (context, library)) return false;
            Marshal.GetDelegateForFunctionPointer<SetUserEnabled>(NativeLibrary.GetExport(library, SetUserEnabledName))(context, false);
            return turnedOff = IsEnabled() == false;
        }
    }

    /// <summary>
    /// Whether libtorch will consider NNPACK for a convolution (its <c>userEnabledNNPACK</c> flag, true unless turned off);
    /// null when this libtorch does not export the flag.
    /// </summary>
    public static bool? IsEnabled() =>
        Switch() is var (context, library)
            ? Marshal.GetDelegateForFunctionPointer<UserEnabled>(NativeLibrary.GetExport(library, UserEnabledName))(context)
            : null;

    /// <summary>libtorch's global context and the library that exports its NNPACK switch, or null.</summary>
    private static (IntPtr Context, IntPtr Library)? Switch()
    {
        torch.InitializeDeviceType(DeviceType.CPU);   // loads libtorch if nothing has yet
        // libtorch is loaded by now, so a load by its name returns the same library (glibc and dyld match loaded names).
        foreach (string name in new[] { "libtorch_cpu.so", "libtorch_cpu.dylib", "torch_cpu" })
        {
            if (!NativeLibrary.TryLoad(name, typeof(torch).Assembly, null, out var library)) continue;
            if (NativeLibrary.TryGetExport(library, GlobalContextName, out var globalContext)
                && NativeLibrary.TryGetExport(library, SetUserEnabledName, out _)
                && NativeLibrary.TryGetExport(library, UserEnabledName, out _))
                return (Marshal.GetDelegateForFunctionPointer<GlobalContext>(globalContext)(), library);
        }
        return null;
    }
}
