using Workbook.Data;
using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// The check cells of the coursework notebooks: <c>Check.Exercise("1.2", Filter)</c> runs the properties of
/// exercise 1.2 on the student's function and shows one line per property. A failing property never throws, so
/// the notebook goes on. <c>Check.Hidden</c> runs the further properties the grader adds (they sit in the
/// instructor's notebook only).
/// </summary>
public static class Check
{
    /// <summary>Exercise 1.1: the shift operator S^k, <c>Tensor Shift(Tensor signal, long k)</c>.</summary>
    public static CheckReport Exercise(string exercise, Func<Tensor, long, Tensor> shift) =>
        Run(exercise, ShiftExercise.Id, false, () => ShiftExercise.Visible(shift));

    /// <summary>Exercise 1.2: the shift-register convolution, <c>Tensor Filter(Tensor signal, Tensor taps)</c>.</summary>
    public static CheckReport Exercise(string exercise, Func<Tensor, Tensor, Tensor> filter) =>
        Run(exercise, FilterExercise.Id, false, () => FilterExercise.Visible(filter));

    /// <summary>Exercise 1.3: the layer and the single-channel CNN, <c>K =&gt; new ConvolutionLayer(K)</c>, <c>(L, taps) =&gt; new SingleChannelCnn(L, taps)</c>.</summary>
    public static CheckReport Exercise(string exercise, Func<long, nn.Module<Tensor, Tensor>> layer, Func<int, long[], nn.Module<Tensor, Tensor>> cnn) =>
        Run(exercise, SingleChannelCnnExercise.Id, false, () => SingleChannelCnnExercise.Visible(layer, cnn));

    /// <summary>Exercise 2.1: the MIMO filter, <c>(K, F, G) =&gt; new MimoFilter(K, F, G)</c>.</summary>
    public static CheckReport Exercise(string exercise, Func<long, long, long, nn.Module<Tensor, Tensor>> mimoFilter) =>
        Run(exercise, MimoFilterExercise.Id, false, () => MimoFilterExercise.Visible(mimoFilter));

    /// <summary>Exercise 3.1: the MIMO CNN, <c>(L, taps, features) =&gt; new MimoCnn(L, taps, features)</c>.</summary>
    public static CheckReport Exercise(string exercise, Func<int, long[], long[], nn.Module<Tensor, Tensor>> mimoCnn) =>
        Run(exercise, MimoCnnExercise.Id, false, () => MimoCnnExercise.Visible(mimoCnn));

    /// <summary>Exercise 4.1: the training loop.</summary>
    public static CheckReport Exercise(string exercise, TrainingLoop train) =>
        Run(exercise, TrainingLoopExercise.Id, false, () => TrainingLoopExercise.Visible(train));

    /// <summary>Exercise 4.2: the train/test split, <c>Split(clips, testCount, seed)</c>.</summary>
    public static CheckReport Exercise(string exercise, Func<PairedClips, int, int, (PairedClips Train, PairedClips Test)> split) =>
        Run(exercise, SplitExercise.Id, false, () => SplitExercise.Visible(split));

    public static CheckReport Hidden(string exercise, Func<Tensor, long, Tensor> shift) =>
        Run(exercise, ShiftExercise.Id, true, () => ShiftExercise.Hidden(shift));

    public static CheckReport Hidden(string exercise, Func<Tensor, Tensor, Tensor> filter) =>
        Run(exercise, FilterExercise.Id, true, () => FilterExercise.Hidden(filter));

    public static CheckReport Hidden(string exercise, Func<long, nn.Module<Tensor, Tensor>> layer, Func<int, long[], nn.Module<Tensor, Tensor>> cnn) =>
        Run(exercise, SingleChannelCnnExercise.Id, true, () => SingleChannelCnnExercise.Hidden(layer, cnn));

    public static CheckReport Hidden(string exercise, Func<long, long, long, nn.Module<Tensor, Tensor>> mimoFilter) =>
        Run(exercise, MimoFilterExercise.Id, true, () => MimoFilterExercise.Hidden(mimoFilter));

    public static CheckReport Hidden(string exercise, Func<int, long[], long[], nn.Module<Tensor, Tensor>> mimoCnn) =>
        Run(exercise, MimoCnnExercise.Id, true, () => MimoCnnExercise.Hidden(mimoCnn));

    public static CheckReport Hidden(string exercise, TrainingLoop train) =>
        Run(exercise, TrainingLoopExercise.Id, true, () => TrainingLoopExercise.Hidden(train));

    public static CheckReport Hidden(string exercise, Func<PairedClips, int, int, (PairedClips Train, PairedClips Test)> split) =>
        Run(exercise, SplitExercise.Id, true, () => SplitExercise.Hidden(split));

    private static CheckReport Run(string exercise, string expected, bool hidden, Func<PropertyChecks> properties)
    {
        if (exercise != expected)
            return new CheckReport(exercise, hidden,
                new[] { PropertyResult.Fails("the check fits the exercise", $"exercise {exercise} does not take this kind of argument; this one is for exercise {expected}") }, null);
        PropertyChecks checks;
        try
        {
            checks = properties();
        }
        catch (NotImplementedException e)
        {
            if (!hidden) Needs.Checked(exercise, e.Message);
            return new CheckReport(exercise, hidden, new[] { PropertyResult.Fails("implemented", e.Message) }, e.Message);
        }
        catch (Exception e)
        {
            return new CheckReport(exercise, hidden, new[] { PropertyResult.Fails("the check could run", PlainError.Explain(e)) }, null);
        }
        bool nothingWritten = checks.NotImplemented != null && checks.Results.All(r => !r.Passed);
        if (!hidden) Needs.Checked(exercise, nothingWritten ? checks.NotImplemented : null);
        return new CheckReport(exercise, hidden, checks.Results, nothingWritten ? checks.NotImplemented : null);
    }
}
