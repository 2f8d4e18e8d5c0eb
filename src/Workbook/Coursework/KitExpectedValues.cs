using Workbook.Data;
using Workbook.Networks;
using Workbook.Signals;
using Workbook.Training;
using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// The expected values the student kit ships (<see cref="ExpectedValuesFile"/>): every value a visible check asks
/// <see cref="Expected"/> for, recorded while the checks run on the reference implementations. Those pass every
/// property, so every comparison a student's correct answer reaches is recorded; the kit's package embeds the file.
/// </summary>
public static class KitExpectedValues
{
    /// <summary>The file's text; throws when a reference fails its own check (then the recording would be incomplete).</summary>
    public static string Json()
    {
        var values = Expected.Record(() =>
        {
            var reports = new[]
            {
                Check.Exercise(ShiftExercise.Id, (Tensor x, long k) => ShiftOperator.Shift(x, k)),
                Check.Exercise(FilterExercise.Id, (Tensor x, Tensor h) => ShiftRegisterConvolution.Filter(x, h)),
                Check.Exercise(SingleChannelCnnExercise.Id, k => new ConvolutionLayer(k), (l, taps) => new SingleChannelCnn(l, taps)),
                Check.Exercise(MimoFilterExercise.Id, (k, f, g) => new MimoFilter(k, f, g)),
                Check.Exercise(MimoCnnExercise.Id, (l, taps, features) => new MimoCnn(l, taps, features)),
            };
            foreach (var report in reports)
                if (report.Results.FirstOrDefault(r => !r.Passed) is { } failed)
                    throw new InvalidOperationException($"the reference of exercise {report.Exercise} fails its own check \"{failed.Property}\": {failed.Problem}");
            using var clips = BundledDataSet.Load();
            Expected.SplitOrder(clips.Count, TrainingOptions.Lab.Seed);
        });
        return ExpectedValuesFile.Write(values);
    }
}
