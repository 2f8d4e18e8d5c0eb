using System.Globalization;
using Workbook.Training;

namespace Workbook.Cli;

/// <summary>One line per epoch with a progress bar: <c>[######--------------]  epoch  6/20  train_l1 … test_l1 …</c>.</summary>
internal sealed class EpochProgress(int epochs)
{
    private const int Width = 20;

    public void Report(EpochResult e)
    {
        int filled = (int)Math.Round(Width * e.Epoch / (double)epochs);
        string bar = new string('#', filled) + new string('-', Width - filled);
        int digits = epochs.ToString(CultureInfo.InvariantCulture).Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{bar}]  epoch {e.Epoch.ToString(CultureInfo.InvariantCulture).PadLeft(digits)}/{epochs}  train_l1 {e.TrainL1:F6}  test_l1 {e.TestL1:F6}  " +
            $"train_mse {e.TrainMse:E3}  test_mse {e.TestMse:E3}  ({e.Elapsed.TotalSeconds:F2} s)"));
    }
}
