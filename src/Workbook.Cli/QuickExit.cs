using System.Runtime.InteropServices;

namespace Workbook.Cli;

/// <summary>
/// Ends the process as soon as a verb has finished, without the native libraries' teardown.
/// <para>
/// Returning from <c>Main</c> calls the C library's <c>exit</c>, which runs every loaded library's static destructors;
/// libtorch's take their time (tearing down its registry of thousands of operators), a noticeable part of a short
/// <c>train</c> run and of any process that made a tensor (docs/performance.md). By then every
/// file the verb wrote is complete, flushed and renamed into place (see <see cref="Files.AtomicFile"/>), so nothing is
/// lost by skipping it: <c>_exit</c> hands the exit code to the system at once, as compilers do for the same reason.
/// The console's writers are flushed first. Linux and macOS; elsewhere, and if the C library cannot be called,
/// <see cref="End"/> returns the code for <c>Main</c> to return as usual.
/// </para>
/// </summary>
internal static class QuickExit
{
    /// <summary>Exits with <paramref name="code"/> now where the C library allows it; otherwise returns it.</summary>
    public static int End(int code)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return code;
        Console.Out.Flush();
        Console.Error.Flush();
        try { ExitNow(code); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { } // exit the usual way
        return code;
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void ExitNow(int code);
}
