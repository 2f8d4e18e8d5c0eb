using Workbook.Data;
using Workbook.Training;
using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// The shape of the training loop a student writes in Task 4 (exercise 4.1): train <paramref name="model"/> on
/// <paramref name="train"/> with the options' SGD settings and L1 loss, measure the train and test L1 after every
/// epoch, report each epoch to <paramref name="onEpoch"/> and return them all.
/// </summary>
public delegate List<EpochLosses> TrainingLoop(nn.Module<Tensor, Tensor> model, PairedClips train, PairedClips test,
    TrainingOptions options, Action<EpochLosses> onEpoch);
