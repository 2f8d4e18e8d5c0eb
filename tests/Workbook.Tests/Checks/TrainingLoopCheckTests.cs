using System.Diagnostics;
using Workbook.Data;
using Workbook.Coursework;
using Workbook.Training;
using static TorchSharp.torch;

namespace Workbook.Tests.Checks;

/// <summary>The training-loop check (exercise 4.1) against loops with the mistakes it must name.</summary>
public class TrainingLoopCheckTests
{
    /// <summary>A plain teaching loop, with switches for the mistakes.</summary>
    private static List<EpochLosses> Loop(nn.Module<Tensor, Tensor> model, PairedClips train, PairedClips test, TrainingOptions options,
        Action<EpochLosses> onEpoch, bool zeroGrad = true, bool mse = false, bool reportMse = false, bool shuffle = true,
        bool stepBeforeBackward = false, bool evaluateWithGradients = false, bool reportRunningAverage = false)
    {
        var optimizer = optim.SGD(model.parameters(), options.LearningRate);
        var random = new Random(options.Seed);
        var history = new List<EpochLosses>();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var batchLosses = new List<double>();
            var order = Enumerable.Range(0, train.Count).Select(i => (long)i).ToArray();
            if (shuffle) random.Shuffle(order);
            foreach (var batch in order.Chunk(options.BatchSize))
            {
                using var scope = NewDisposeScope();
                var index = tensor(batch);
                if (zeroGrad) optimizer.zero_grad();
                var output = model.call(train.Noisy[index]);
                var loss = mse ? nn.functional.mse_loss(output, train.Clean[index]) : nn.functional.l1_loss(output, train.Clean[index]);
                batchLosses.Add(loss.item<float>());
                if (stepBeforeBackward) optimizer.step();
                loss.backward();
                if (!stepBeforeBackward) optimizer.step();
            }
            double Loss(PairedClips clips)
            {
                using var scope = NewDisposeScope();
                using var _ = evaluateWithGradients ? null : no_grad();
                var output = model.call(clips.Noisy);
                return (reportMse ? nn.functional.mse_loss(output, clips.Clean) : nn.functional.l1_loss(output, clips.Clean)).item<float>();
            }
            var result = new EpochLosses(epoch, reportRunningAverage ? batchLosses.Average() : Loss(train), Loss(test));
            history.Add(result);
            onEpoch(result);
        }
        return history;
    }

    [Fact]
    public void A_plain_teaching_loop_passes()
    {
        var report = Check.Exercise("4.1", (m, tr, te, o, e) => Loop(m, tr, te, o, e));
        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void A_loop_without_zero_grad_fails_on_that_property()
    {
        var report = Check.Exercise("4.1", (m, tr, te, o, e) => Loop(m, tr, te, o, e, zeroGrad: false));
        var failed = report.Results.Where(r => !r.Passed).Select(r => r.Property).ToList();
        Assert.Contains(failed, p => p.Contains("zero_grad"));
    }

    [Fact]
    public void A_loop_on_the_mse_or_reporting_the_mse_is_named()
    {
        var trainedOnMse = Check.Exercise("4.1", (m, tr, te, o, e) => Loop(m, tr, te, o, e, mse: true));
        Assert.Contains(trainedOnMse.Results, r => !r.Passed && r.Property.Contains("L1") && r.Problem!.Contains("mean squared error"));
        var reportsMse = Check.Exercise("4.1", (m, tr, te, o, e) => Loop(m, tr, te, o, e, reportMse: true));
        Assert.Contains(reportsMse.Results, r => !r.Passed && r.Problem!.Contains("mean squared error"));
    }

    [Fact]
    public void A_step_before_backward_is_named_and_the_process_goes_on()
    {
        var report = Check.Exercise("4.1", (m, tr, te, o, e) => Loop(m, tr, te, o, e, stepBeforeBackward: true));
        Assert.Contains(report.Results, r => !r.Passed && r.Property.StartsWith("each step is plain SGD", StringComparison.Ordinal)
                                             && r.Problem!.Contains("optimizer.step() ran before loss.backward()"));
        Assert.All(report.Results.Where(r => !r.Passed), r => Assert.Equal("training", r.Group));
    }

    [Fact]
    public void An_evaluation_without_no_grad_is_named_as_such_and_not_as_training_on_test_pairs()
    {
        var report = Check.Exercise("4.1", (m, tr, te, o, e) => Loop(m, tr, te, o, e, evaluateWithGradients: true));
        var failed = report.Results.Where(r => !r.Passed).ToList();
        Assert.Equal(new[] { "the losses are measured without gradients (no_grad)" }, failed.Select(r => r.Property));
    }

    [Fact]
    public void A_train_loss_averaged_over_the_epochs_batches_is_named()
    {
        var report = Check.Exercise("4.1", (m, tr, te, o, e) => Loop(m, tr, te, o, e, reportRunningAverage: true));
        Assert.Contains(report.Results, r => !r.Passed && r.Problem!.Contains("average of the batch losses during the epoch"));
        // A loop that trains right but reports wrongly keeps the training group's points.
        Assert.All(report.Results.Where(r => !r.Passed), r => Assert.Equal("reporting", r.Group));
        Assert.Contains(report.Results, r => r.Passed && r.Group == "training");
    }

    [Fact]
    public void A_loop_that_never_shuffles_fails_a_check_the_student_sees_and_the_hidden_one()
    {
        var visible = Check.Exercise("4.1", (m, tr, te, o, e) => Loop(m, tr, te, o, e, shuffle: false));
        Assert.Contains(visible.Results, r => !r.Passed && r.Property.Contains("shuffled") && r.Problem!.Contains("stored order"));
        var report = Check.Hidden("4.1", (m, tr, te, o, e) => Loop(m, tr, te, o, e, shuffle: false));
        Assert.Contains(report.Results, r => !r.Passed && r.Property.Contains("shuffled"));
    }
}
