namespace Workbook.Training;

/// <summary>The train and test L1 loss after one epoch: what the lab's training loop reports, epoch by epoch.</summary>
/// <param name="Epoch">1-based epoch number</param>
/// <param name="TrainL1">mean |ŷ − y| over the training pairs, measured after the epoch</param>
/// <param name="TestL1">mean |ŷ − y| over the test pairs, measured after the epoch</param>
public sealed record EpochLosses(int Epoch, double TrainL1, double TestL1);
