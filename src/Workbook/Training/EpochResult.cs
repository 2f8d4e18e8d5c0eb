namespace Workbook.Training;

/// <summary>
/// The losses after one epoch of training. The lab's text asks for the mean L1 loss; its evaluation code
/// computed the mean squared error. Both are kept, each under its own name.
/// </summary>
/// <param name="Epoch">1-based epoch number</param>
/// <param name="TrainL1">mean |ŷ − y| over the training clips, evaluated after the epoch</param>
/// <param name="TestL1">mean |ŷ − y| over the test clips</param>
/// <param name="TrainMse">mean (ŷ − y)² over the training clips</param>
/// <param name="TestMse">mean (ŷ − y)² over the test clips</param>
/// <param name="Elapsed">wall-clock time of the epoch (training and evaluation)</param>
public sealed record EpochResult(int Epoch, double TrainL1, double TestL1, double TrainMse, double TestMse, TimeSpan Elapsed);
