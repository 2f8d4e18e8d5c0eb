using Workbook.Notebooks;

namespace Workbook.Cli;

/// <summary>
/// The sandbox <c>grade</c> runs students' notebooks in: on by default; refused with one line saying what to install
/// (or what the platform lacks) when it is not available, unless <c>--unsafe-no-sandbox</c> is given, which prints
/// one warning line.
/// </summary>
internal static class GradingSandbox
{
    /// <exception cref="InvalidOperationException">no sandbox here and no flag: the message says how to install one</exception>
    public static SandboxOptions? Choose(bool withoutSandbox)
    {
        if (withoutSandbox)
        {
            Console.Error.WriteLine("workbook grade: warning: --unsafe-no-sandbox: students' notebooks run with your rights, files and network");
            return null;
        }
        var availability = NotebookSandbox.Availability();
        if (!availability.Available) throw new InvalidOperationException(availability.Problem);
        // The scratch folder is the runner's to choose, one per run.
        // Files up to 1 GiB: under the default 256 MB the kernel ended silently in the setup cell (TorchSharp's native
        // libtorch is over 400 MB); the parent still reads at most 64 MB of what a run wrote. The lab's clips (data/,
        // nothing secret) are shown read-only: notebook 04 trains on them.
        return new SandboxOptions(Path.GetTempPath()) { ReadOnly = [.. NotebookSandbox.BuildFolders(), Path.Combine(RunCommand.RepositoryRoot(), "data")], FileSizeBytes = 1L << 30 };
    }
}
