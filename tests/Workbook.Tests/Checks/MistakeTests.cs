using TorchSharp;
using TorchSharp.Modules;
using Workbook.Coursework;
using Workbook.Signals;
using static TorchSharp.torch;

namespace Workbook.Tests.Checks;

/// <summary>
/// Mistakes that used to end the notebook's process, to pass a check and break a later exercise, or to be reported
/// under a wrong cause: each must now fail the check of the exercise it is in, in words, with the process alive.
/// </summary>
public class MistakeTests
{
    private static PropertyResult Failed(CheckReport report, string propertyStart)
    {
        var match = report.Results.FirstOrDefault(r => !r.Passed && r.Property.StartsWith(propertyStart, StringComparison.Ordinal));
        Assert.True(match != null, $"expected '{propertyStart}' to fail:\n{report}");
        return match!;
    }

    /// <summary>A shift that is right in value but zeroes its first samples in place.</summary>
    private static Tensor ZeroingShift(Tensor x, long k)
    {
        var y = x.roll(k, -1);
        long n = Math.Min(k, x.shape[^1]);
        if (n > 0) y[TensorIndex.Ellipsis, TensorIndex.Slice(0, n)].zero_();
        return y;
    }

    [Fact]
    public void A_shift_that_zeroes_in_place_fails_1_1_naming_in_place_operations()
    {
        var report = Check.Exercise("1.1", ZeroingShift);
        var problem = Failed(report, "gradients flow back through S^k x").Problem!;
        Assert.Contains("in-place", problem);
        Assert.Contains("cat the zeros in front", problem);
        Assert.True(report.Results.Where(r => !r.Property.StartsWith("gradients", StringComparison.Ordinal)).All(r => r.Passed), report.ToString());
    }

    [Fact]
    public void A_shift_through_item_fails_1_1_because_no_gradient_reaches_the_signal()
    {
        Tensor ArrayShift(Tensor x, long k)
        {
            var values = x.detach().cpu().data<float>().ToArray();
            long n = x.shape[^1];
            var shifted = new float[values.Length];
            for (long i = 0; i < values.Length; i++) shifted[i] = i % n >= k ? values[i - k] : 0;
            return tensor(shifted, dtype: x.dtype).view(x.shape);
        }
        Assert.Contains("no gradient flows back through your Shift", Failed(Check.Exercise("1.1", ArrayShift), "gradients flow back").Problem!);
    }

    [Fact]
    public void A_float32_shift_of_a_float64_signal_fails_a_visible_check_not_only_the_hidden_one()
    {
        // Right in value, but the zeros it builds are float32 and the result takes their type.
        Tensor Float32Zeros(Tensor x, long k) => ShiftOperator.Shift(x, k).to(float32);
        Assert.Contains("zeros_like", Failed(Check.Exercise("1.1", Float32Zeros), "float64 signals stay float64").Problem!);
    }

    [Fact]
    public void A_k_up_to_K_loop_is_said_once_in_words_not_as_libtorch_text_under_every_property()
    {
        Tensor Filter(Tensor x, Tensor h)
        {
            var y = zeros_like(x);
            for (long k = 0; k <= h.shape[0]; k++) y = y + h[k] * ShiftOperator.Shift(x, k);
            return y;
        }
        var report = Check.Exercise("1.2", (Tensor x, Tensor h) => Filter(x, h));
        var failed = report.Results.Where(r => !r.Passed).ToList();
        Assert.True(failed.Count >= 5, report.ToString());
        Assert.StartsWith("your code read past the end of a tensor", failed[0].Problem);
        Assert.Contains("k < K", failed[0].Problem);
        Assert.All(failed.Skip(1), r => Assert.Equal("the same error as above", r.Problem));
    }

    [Fact]
    public void A_matmul_filter_written_differently_passes_2_1()
    {
        var report = Check.Exercise("2.1", (k, f, g) => new MatmulMimoFilter(k, f, g, float32, transposed: false));
        Assert.True(report.Passed, report.ToString());
        Assert.True(Check.Hidden("2.1", (k, f, g) => new MatmulMimoFilter(k, f, g, float32, transposed: false)).Passed);
    }

    [Fact]
    public void Float64_coefficients_fail_2_1_in_words_and_the_process_goes_on()
    {
        var report = Check.Exercise("2.1", (k, f, g) => new MatmulMimoFilter(k, f, g, float64, transposed: false));
        Assert.Contains("Float64", Failed(report, "the coefficients are float32").Problem!, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("float32", Failed(report, "the output is").Problem!);
        Assert.False(Check.Hidden("2.1", (k, f, g) => new MatmulMimoFilter(k, f, g, float64, transposed: false)).Passed);
    }

    [Fact]
    public void A_transposed_H_k_in_matmul_fails_2_1_and_3_1_without_running_F_unequal_G()
    {
        var report = Check.Exercise("2.1", (k, f, g) => new MatmulMimoFilter(k, f, g, float32, transposed: true));
        Assert.Contains("H_kᵀ", Failed(report, "the output is").Problem!);
        Assert.Contains("your H_k is transposed", Failed(report, "shapes").Problem!);
        Assert.False(Check.Hidden("2.1", (k, f, g) => new MatmulMimoFilter(k, f, g, float32, transposed: true)).Passed);

        var cnn = Check.Exercise("3.1", (l, taps, features) => new MatmulMimoCnn(taps, features, transposed: true));
        Assert.Contains("equal feature counts", Failed(cnn, "shapes").Problem!);
        Assert.False(Check.Hidden("3.1", (l, taps, features) => new MatmulMimoCnn(taps, features, transposed: true)).Passed);
    }

    [Fact]
    public void A_matmul_cnn_written_differently_passes_3_1()
    {
        Assert.True(Check.Exercise("3.1", (l, taps, features) => new MatmulMimoCnn(taps, features, transposed: false, l)).Passed);
    }

    /// <summary>A MIMO filter a student writes with matmul: Y = Σ_k (S^k X) H_k, or H_kᵀ by mistake.</summary>
    private sealed class MatmulMimoFilter : nn.Module<Tensor, Tensor>
    {
        private readonly Parameter h;
        private readonly bool transposed;

        public MatmulMimoFilter(long k, long f, long g, ScalarType type, bool transposed) : base(nameof(MatmulMimoFilter))
        {
            h = nn.Parameter(randn(k, f, g, dtype: type) * 0.3);
            this.transposed = transposed;
            K = k;
            F = f;
            G = g;
            RegisterComponents();
        }

        public long K { get; }
        public long F { get; }
        public long G { get; }

        public override Tensor forward(Tensor x)
        {
            Tensor? y = null;
            for (long k = 0; k < K; k++)
            {
                var shifted = ShiftOperator.Shift(x, k).transpose(-1, -2);   // [.., N, F]
                var term = matmul(shifted, transposed ? h[k].t() : h[k]);
                y = y is null ? term : y + term;
            }
            return y!.transpose(-1, -2);
        }
    }

    private sealed class MatmulMimoCnn : nn.Module<Tensor, Tensor>
    {
        private readonly ModuleList<MatmulMimoFilter> layers = new();

        public MatmulMimoCnn(long[] taps, long[] features, bool transposed, int? l = null) : base(nameof(MatmulMimoCnn))
        {
            if ((l ?? taps.Length) != taps.Length || features.Length != taps.Length + 1 || taps.Any(k => k < 1))
                throw new ArgumentException("taps needs L entries and features L + 1");
            for (int i = 0; i < taps.Length; i++) layers.Add(new MatmulMimoFilter(taps[i], features[i], features[i + 1], float32, transposed));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            for (int i = 0; i < layers.Count; i++) x = i < layers.Count - 1 ? layers[i].call(x).tanh() : layers[i].call(x);
            return x;
        }
    }
}
