using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// A model that watches the training loop that trains it. It wraps a network and adds one learnable number, the
/// probe, times a small scale ε to its output (so small that it changes nothing the loop would notice). Because the
/// probe's gradient is ε times the sum of the gradient arriving at the output, the probe
/// reveals what the loop does without looking at its code:
/// <list type="bullet">
///   <item>which clips each training batch holds (recognised by their samples), and which clips are evaluated;</item>
///   <item>whether gradients are cleared: when this batch's backward pass starts, the probe must hold no gradient yet;</item>
///   <item>the loss: the gradient at the output is sign(ŷ − y)/n for the mean L1 loss, 2(ŷ − y)/n for the MSE;</item>
///   <item>the optimiser: with SGD, the probe moves by exactly −η times its gradient between two batches.</item>
/// </list>
/// </summary>
internal sealed class ProbedModel : nn.Module<Tensor, Tensor>
{
    /// <summary>How much the probe moves the output: small, so that the probed network trains as the bare one does.</summary>
    private const double Scale = 1e-3;

    private readonly nn.Module<Tensor, Tensor> network;
    private readonly Parameter probe;
    private readonly Dictionary<string, int> clipByKey;
    private readonly Tensor clean;
    private double? lastProbeValue, lastProbeGradient;

    /// <param name="noisy">every clip the loop may be given, <c>[Q, 1, N]</c>, to recognise them</param>
    /// <param name="clean">their targets, to tell which loss produced a gradient</param>
    public ProbedModel(nn.Module<Tensor, Tensor> network, Tensor noisy, Tensor clean) : base(nameof(ProbedModel))
    {
        this.network = network;
        probe = nn.Parameter(zeros(1));
        this.clean = clean;
        clipByKey = new Dictionary<string, int>();
        for (int q = 0; q < noisy.shape[0]; q++) clipByKey[Key(noisy[q])] = q;
        RegisterComponents();
    }

    /// <summary>The clips of every training batch (forward passes followed by a backward pass), in order.</summary>
    public List<int[]> TrainingBatches { get; } = new();

    /// <summary>The mean L1 error of each training batch's output, as the loop saw it before its step.</summary>
    public List<double> TrainingBatchL1 { get; } = new();

    /// <summary>Clips passed through without gradients (evaluation).</summary>
    public List<int> EvaluatedClips { get; } = new();

    /// <summary>Forward passes that recorded gradients but were never followed by a backward pass: an evaluation
    /// without <c>no_grad()</c>.</summary>
    public int ForwardsWithoutBackward => forwardsWithoutBackward + (pending == null ? 0 : 1);

    /// <summary>Backward passes that found a gradient left over from an earlier batch.</summary>
    public int StaleGradients { get; private set; }

    public int BackwardPasses { get; private set; }

    /// <summary>Backward passes that found the coefficients already moved since their forward pass: optimizer.step()
    /// ran between the forward pass and loss.backward().</summary>
    public int StepsBeforeBackward { get; private set; }

    /// <summary>How the output gradients looked: counts of batches that match the L1 and MSE losses.</summary>
    public int L1Like { get; private set; }

    public int MseLike { get; private set; }

    /// <summary>Steps where the probe moved by something other than −η·gradient (η the expected learning rate).</summary>
    public List<(double Moved, double Expected)> UnexpectedSteps { get; } = new();

    public double LearningRate { get; set; }

    /// <summary>Clips the loop gave that are not in the data it was handed.</summary>
    public int UnknownClips { get; private set; }

    /// <summary>What went wrong inside the backward pass's observation, if anything (it must never throw there).</summary>
    public string? ObservationFailure { get; private set; }

    private int forwardsWithoutBackward;
    private (int[] Clips, double Probe)? pending;

    public override Tensor forward(Tensor input)
    {
        var clips = Recognise(input);
        var output = network.call(input);
        if (!is_grad_enabled())
        {
            EvaluatedClips.AddRange(clips);
            return output + probe * Scale;
        }
        double probeValue = probe.detach().item<float>();
        if (lastProbeValue is double before && lastProbeGradient is double gradient)
        {
            double moved = probeValue - before, expected = -LearningRate * gradient;
            if (Math.Abs(moved - expected) > 1e-3 * Math.Abs(expected) + 1e-7) UnexpectedSteps.Add((moved, expected));
            lastProbeGradient = null;
        }
        if (pending != null) forwardsWithoutBackward++;
        pending = (clips, probeValue);
        return ProbeFunction.Apply(output, probe, this);
    }

    /// <summary>Called from the backward pass with the gradient that reached the output. An exception here would
    /// cross libtorch's backward pass and end the process, so whatever goes wrong is remembered instead.</summary>
    internal void Observe(Tensor outputGradient, Tensor output)
    {
        try
        {
            ObserveBatch(outputGradient, output);
        }
        catch (Exception e)
        {
            ObservationFailure ??= PropertyChecks.FirstLine(e.Message);
        }
    }

    private void ObserveBatch(Tensor outputGradient, Tensor output)
    {
        BackwardPasses++;
        if (pending is not var (batch, probeAtForward)) return;
        pending = null;
        if (probe.detach().item<float>() != probeAtForward) StepsBeforeBackward++;
        if (probe.grad is { } existing && existing.abs().sum().item<float>() != 0) StaleGradients++;
        lastProbeValue = probeAtForward;
        lastProbeGradient = outputGradient.sum().item<float>() * Scale;
        TrainingBatches.Add(batch);
        if (batch.Any(c => c < 0) || outputGradient.shape[0] != batch.Length) return;
        using var scope = NewDisposeScope();
        using var index = tensor(batch.Select(c => (long)c).ToArray());
        var error = output.detach() - clean.index_select(0, index);
        TrainingBatchL1.Add(error.abs().mean().item<float>());
        double n = error.numel();
        var l1 = error.sign() / n;
        var mse = error * (2 / n);
        // Relative distance of the whole gradient; an error that is exactly 0 may round either way, so allow a little.
        double Distance(Tensor expected) => (outputGradient - expected).abs().sum().item<float>() / (expected.abs().sum().item<float>() + 1e-30);
        if (Distance(l1) < 0.01) L1Like++;
        else if (Distance(mse) < 0.01) MseLike++;
    }

    private int[] Recognise(Tensor input)
    {
        if (input.dim() != 3) return new[] { -1 };
        var clips = new int[input.shape[0]];
        for (int b = 0; b < clips.Length; b++)
        {
            clips[b] = clipByKey.TryGetValue(Key(input[b]), out int q) ? q : -1;
            if (clips[b] < 0) UnknownClips++;
        }
        return clips;
    }

    /// <summary>A clip's identity: a few of its samples, exactly (batches are copies of the data's rows).</summary>
    private static string Key(Tensor clip)
    {
        using var flat = clip.flatten();
        long n = flat.shape[0];
        return string.Join(",", new[] { 0, n / 7, n / 3, n / 2, n - 1 }.Select(i => flat[i].item<float>().ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>ŷ + probe, whose backward pass reports the output gradient to the model before passing it on.</summary>
    private sealed class ProbeFunction : autograd.SingleTensorFunction<ProbeFunction>
    {
        public override string Name => "TrainingLoopProbe";

        public static Tensor Apply(Tensor output, Tensor probe, ProbedModel model) => apply(output, probe, model);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var output = (Tensor)vars[0];
            var probe = (Tensor)vars[1];
            ctx.save_data("model", vars[2]);
            var result = output + probe * Scale;
            ctx.save_for_backward(new List<Tensor> { result.detach() });
            return result;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
        {
            using var output = ctx.get_saved_variables()[0];
            ((ProbedModel)ctx.get_data("model")).Observe(gradient, output);
            return new List<Tensor> { gradient.alias(), (gradient.sum() * Scale).reshape(1), null! };
        }
    }
}
