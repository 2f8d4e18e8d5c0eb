using TorchSharp;
using TorchSharp.Modules;
using Workbook.Coursework;
using Workbook.Signals;
using static TorchSharp.torch;

namespace Workbook.Tests.Checks;

/// <summary>
/// The exercise checks against the library's own implementations (they must pass every property, visible and
/// hidden) and against implementations with the mistakes students make, among them the handout's own (each must
/// fail, and the failure must name the mistake).
/// </summary>
public class CheckTests
{
    private static void AllHold(CheckReport report)
    {
        Assert.True(report.Passed, report.ToString());
        Assert.Null(report.NotImplemented);
    }

    private static PropertyResult Failed(CheckReport report, string propertyStart)
    {
        Assert.False(report.Passed, report.ToString());
        var failed = report.Results.Where(r => !r.Passed).ToList();
        var match = failed.FirstOrDefault(r => r.Property.StartsWith(propertyStart, StringComparison.Ordinal));
        Assert.True(match != null, $"expected '{propertyStart}' to fail:\n{report}");
        return match!;
    }

    [Fact]
    public void The_library_passes_every_check_of_task_1()
    {
        AllHold(Check.Exercise("1.1", LibraryAnswers.Shift));
        AllHold(Check.Hidden("1.1", LibraryAnswers.Shift));
        AllHold(Check.Exercise("1.2", (Tensor x, Tensor h) => LibraryAnswers.Filter(x, h)));
        AllHold(Check.Hidden("1.2", (Tensor x, Tensor h) => LibraryAnswers.Filter(x, h)));
        AllHold(Check.Exercise("1.3", LibraryAnswers.Layer, LibraryAnswers.Cnn));
        AllHold(Check.Hidden("1.3", LibraryAnswers.Layer, LibraryAnswers.Cnn));
    }

    [Fact]
    public void The_library_passes_every_check_of_tasks_2_and_3()
    {
        AllHold(Check.Exercise("2.1", LibraryAnswers.MimoFilter));
        AllHold(Check.Hidden("2.1", LibraryAnswers.MimoFilter));
        AllHold(Check.Exercise("3.1", LibraryAnswers.MimoCnn));
        AllHold(Check.Hidden("3.1", LibraryAnswers.MimoCnn));
    }

    [Fact]
    public void The_library_passes_every_check_of_task_4()
    {
        AllHold(Check.Exercise("4.2", LibraryAnswers.Split));
        AllHold(Check.Hidden("4.2", LibraryAnswers.Split));
        AllHold(Check.Exercise("4.1", LibraryAnswers.Train));
        AllHold(Check.Hidden("4.1", LibraryAnswers.Train));
    }

    [Fact]
    public void A_stub_is_reported_as_not_implemented_and_nothing_throws()
    {
        Tensor Stub(Tensor x, long k) => throw new NotImplementedException("Exercise 1.1: write Shift");
        var report = Check.Exercise("1.1", Stub);
        Assert.Equal("Exercise 1.1: write Shift", report.NotImplemented);
        Assert.Contains("not implemented yet", report.ToString());
    }

    [Fact]
    public void The_handouts_flattened_roll_is_named()
    {
        // roll(1) on the flattened tensor, then zero the first sample of the flattened tensor.
        Tensor Rolled(Tensor x, long k)
        {
            var flat = x.flatten();
            var rolled = flat.roll(k);
            for (long i = 0; i < Math.Min(k, flat.shape[0]); i++) rolled[i] = tensor(0f, dtype: x.dtype);
            return rolled.view(x.shape);
        }
        var problem = Failed(Check.Exercise("1.1", Rolled), "each row of a batch").Problem!;
        Assert.Contains("row 1 of the batch starts with the last sample of row 0", problem);
    }

    [Fact]
    public void The_handouts_zeroing_of_channel_0_is_named()
    {
        // roll along time (right), then signal[:, 0] = 0, which on [B, F, N] zeroes channel 0.
        Tensor ZeroChannel(Tensor x, long k)
        {
            var y = x.roll(k, -1).clone();
            if (y.dim() == 1) { for (long i = 0; i < Math.Min(k, y.shape[0]); i++) y[i] = tensor(0f); return y; }
            if (k > 0) y[.., 0] = zeros_like(y[.., 0]);
            return y;
        }
        var problem = Failed(Check.Exercise("1.1", ZeroChannel), "each row of a batch").Problem!;
        Assert.Contains("channel 0", problem);
    }

    [Fact]
    public void K_plus_one_taps_are_named()
    {
        // Σ_{k=0}^{K}: one tap too many (the handout's equation read literally; the last "tap" reads past the end as 1).
        Tensor Filter(Tensor x, Tensor h)
        {
            var y = zeros_like(x);
            for (long k = 0; k <= h.shape[0]; k++)
                y = y + (k < h.shape[0] ? h[k] : tensor(1f)) * ShiftOperator.Shift(x, k);
            return y;
        }
        var problem = Failed(Check.Exercise("1.2", (Tensor x, Tensor h) => Filter(x, h)), "the impulse response is the taps").Problem!;
        Assert.Contains("k = 0 … K−1", problem);
    }

    [Fact]
    public void A_tanh_after_the_last_layer_is_named()
    {
        nn.Module<Tensor, Tensor> Cnn(int l, long[] taps) => new Workbook.Networks.SingleChannelCnn(l, taps, Workbook.Networks.TanhPlacement.AfterEveryLayer);
        var problem = Failed(Check.Exercise("1.3", LibraryAnswers.Layer, Cnn), "the CNN computes").Problem!;
        Assert.Contains("tanh after the last layer", problem);
        nn.Module<Tensor, Tensor> MimoCnn(int l, long[] taps, long[] features) =>
            new Workbook.Networks.MimoCnn(l, taps, features, Workbook.Networks.TanhPlacement.AfterEveryLayer);
        Assert.Contains("tanh after the last layer", Failed(Check.Exercise("3.1", MimoCnn), "the output is").Problem!);
    }

    [Fact]
    public void Layers_kept_in_a_plain_list_are_named()
    {
        Assert.Contains("ModuleList", Failed(Check.Exercise("1.3", LibraryAnswers.Layer, (l, taps) => new PlainListCnn(taps)), "the CNN's layers are registered").Problem!);
    }

    [Fact]
    public void A_transposed_H_k_is_named()
    {
        Assert.Contains("H_kᵀ", Failed(Check.Exercise("2.1", (k, f, g) => new TransposedMimoFilter(k, f, g)), "the output is").Problem!);
        Assert.Contains("[K, F, G]", Failed(Check.Exercise("2.1", (k, f, g) => new KgfMimoFilter(k, f, g)), "the coefficients are").Problem!);
    }

    [Fact]
    public void A_check_for_another_exercise_says_so()
    {
        var report = Check.Exercise("1.2", LibraryAnswers.Shift);
        Assert.False(report.Passed);
        Assert.Contains("this one is for exercise 1.1", report.ToString());
    }

    [Fact]
    public void The_report_round_trips_through_json_for_the_grader()
    {
        var report = Check.Exercise("1.1", LibraryAnswers.Shift);
        var back = CheckReport.FromJson(report.ToJson());
        Assert.Equal(report.Exercise, back.Exercise);
        Assert.Equal(report.Results, back.Results);
        Assert.Contains("✓", report.ToHtml());
    }

    /// <summary>Task 1's handout keeps its layers in a plain list: they are not registered.</summary>
    private sealed class PlainListCnn : nn.Module<Tensor, Tensor>
    {
        private readonly List<nn.Module<Tensor, Tensor>> layers;

        public PlainListCnn(long[] taps) : base(nameof(PlainListCnn))
        {
            layers = taps.Select(k => (nn.Module<Tensor, Tensor>)new Workbook.Networks.ConvolutionLayer(k)).ToList();
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            for (int l = 0; l < layers.Count; l++) x = l < layers.Count - 1 ? layers[l].call(x).tanh() : layers[l].call(x);
            return x;
        }
    }

    /// <summary>Stores [K, F, G] but multiplies by H_kᵀ (only possible when F = G; otherwise it throws).</summary>
    private sealed class TransposedMimoFilter : nn.Module<Tensor, Tensor>
    {
        private readonly Parameter h;

        public TransposedMimoFilter(long k, long f, long g) : base(nameof(TransposedMimoFilter))
        {
            h = nn.Parameter(randn(k, f, g));
            RegisterComponents();
        }

        public long K => h.shape[0];
        public long F => h.shape[1];
        public long G => h.shape[2];

        public override Tensor forward(Tensor x) => ShiftRegisterConvolution.Filter3D(x, h.transpose(1, 2));
    }

    /// <summary>Stores the coefficients as the handout does, [K, G, F].</summary>
    private sealed class KgfMimoFilter : nn.Module<Tensor, Tensor>
    {
        private readonly Parameter h;

        public KgfMimoFilter(long k, long f, long g) : base(nameof(KgfMimoFilter))
        {
            h = nn.Parameter(randn(k, g, f));
            RegisterComponents();
        }

        public long K => h.shape[0];
        public long F => h.shape[2];
        public long G => h.shape[1];

        public override Tensor forward(Tensor x) => ShiftRegisterConvolution.Filter3D(x, h.transpose(1, 2));
    }
}
