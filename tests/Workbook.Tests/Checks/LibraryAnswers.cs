using Workbook.Data;
using Workbook.Coursework;
using Workbook.Networks;
using Workbook.Signals;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Tests.Checks;

/// <summary>The library's own implementations, in the shapes the exercises ask for: every check must pass them.</summary>
public static class LibraryAnswers
{
    public static Tensor Shift(Tensor signal, long k) => ShiftOperator.Shift(signal, k);

    public static Tensor Filter(Tensor signal, Tensor taps) => ShiftRegisterConvolution.Filter(signal, taps);

    public static nn.Module<Tensor, Tensor> Layer(long k) => new ConvolutionLayer(k);

    public static nn.Module<Tensor, Tensor> Cnn(int l, long[] taps) => new SingleChannelCnn(l, taps);

    public static nn.Module<Tensor, Tensor> MimoFilter(long k, long f, long g) => new Workbook.Networks.MimoFilter(k, f, g);

    public static nn.Module<Tensor, Tensor> MimoCnn(int l, long[] taps, long[] features) => new Workbook.Networks.MimoCnn(l, taps, features);

    public static List<EpochLosses> Train(nn.Module<Tensor, Tensor> model, PairedClips train, PairedClips test, TrainingOptions options, Action<EpochLosses> onEpoch) =>
        new Trainer(options with { Threads = 1 }).Fit(model, train, test, e => onEpoch(new EpochLosses(e.Epoch, e.TrainL1, e.TestL1)))
            .Epochs.Select(e => new EpochLosses(e.Epoch, e.TrainL1, e.TestL1)).ToList();

    public static (PairedClips Train, PairedClips Test) Split(PairedClips clips, int testCount, int seed) => DataSplit.Split(clips, testCount, seed);
}
