using System.Globalization;
using System.Text;

namespace Workbook.Training;

/// <summary>
/// What a training run produced, epoch by epoch, and how it ended. A run that diverged keeps the
/// epochs before the divergence, and <see cref="StopReason"/> says what happened.
/// </summary>
public sealed class TrainingHistory
{
    private readonly List<EpochResult> epochs = new();

    /// <summary>The epochs completed, in order.</summary>
    public IReadOnlyList<EpochResult> Epochs => epochs;

    /// <summary>Null when the run finished every epoch; otherwise why it stopped early.</summary>
    public string? StopReason { get; private set; }

    /// <summary>True when the run stopped because a loss became NaN or infinite.</summary>
    public bool Diverged { get; private set; }

    /// <summary>The libtorch thread count the run used, and how it was chosen.</summary>
    public string ThreadChoice { get; set; } = "";

    /// <summary>The last completed epoch, or null when none completed.</summary>
    public EpochResult? Final => epochs.Count > 0 ? epochs[^1] : null;

    public void Add(EpochResult epoch) => epochs.Add(epoch);

    public void Stop(string reason, bool diverged)
    {
        StopReason = reason;
        Diverged = diverged;
    }

    /// <summary>The CSV header of <see cref="ToCsv"/>.</summary>
    public const string CsvHeader = "epoch,train_l1,test_l1,train_mse,test_mse";

    /// <summary>One line per epoch: <c>epoch,train_l1,test_l1,train_mse,test_mse</c>, invariant culture.</summary>
    public string ToCsv()
    {
        var text = new StringBuilder(CsvHeader).Append('\n');
        foreach (var e in epochs)
            text.Append(string.Create(CultureInfo.InvariantCulture, $"{e.Epoch},{e.TrainL1:R},{e.TestL1:R},{e.TrainMse:R},{e.TestMse:R}\n"));
        return text.ToString();
    }
}
