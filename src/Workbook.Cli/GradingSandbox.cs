using System.Diagnostics;

namespace Workbook.Cli;

/// <summary>
/// The sandbox <c>grade</c> runs students' notebooks in: on by default; refused with one line saying what to install
/// (or what the platform lacks) when it is not available, unless <c>--unsafe-no-sandbox</c> is given, which prints
/// one warning line.
/// </summary>
internal static class GradingSandbox
{
    public static Func<ProcessStartInfo, string, ProcessStartInfo>? Choose(bool withoutSandbox)
    {
        if (withoutSandbox)
        {
            Console.Error.WriteLine("workbook grade: warning: --unsafe-no-sandbox: students' notebooks run with your rights, files and network");
            return null;
        }
        throw new InvalidOperationException("grading needs the notebook sandbox, which this build does not have yet: pass --unsafe-no-sandbox to grade without one (only for code you trust)");
    }
}
