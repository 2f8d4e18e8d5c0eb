using System.Runtime.InteropServices;

namespace Workbook.Fast;

/// <summary>
/// Lets libtorch's OpenMP threads sleep between operations instead of spinning (<c>OMP_WAIT_POLICY=PASSIVE</c>).
/// <para>
/// After each parallel operation GNU OpenMP's worker threads spin, waiting for the next one. While they spin they
/// occupy cores, and the <see cref="Fast.SimdConvolution"/> loops, which run on .NET's thread pool between libtorch's
/// operations, wait for them. On a busy machine that makes two threads several times slower than sleeping ones, and
/// slower than one thread (docs/performance.md).
/// </para>
/// <para>
/// OpenMP reads the setting once, when libtorch is loaded, and reads it from the C library's environment, which
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not change on Linux; so this calls
/// <c>setenv</c> itself and must run before the first tensor. A value the user set is kept.
/// </para>
/// </summary>
public static class OpenMpWaitPolicy
{
    /// <summary>The variable OpenMP reads.</summary>
    public const string Variable = "OMP_WAIT_POLICY";

    /// <summary>Sets <c>OMP_WAIT_POLICY=PASSIVE</c> for this process and its children unless it is set already. Linux and macOS; elsewhere nothing.</summary>
    public static void PreferSleepingThreads()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not null) return;
        Environment.SetEnvironmentVariable(Variable, "PASSIVE"); // for child processes started by .NET
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        try { SetNativeEnvironment(Variable, "PASSIVE", overwrite: 0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { } // no C library by that name: spinning threads are slower, not wrong
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetNativeEnvironment(string name, string value, int overwrite);
}
