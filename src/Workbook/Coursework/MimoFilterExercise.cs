using Workbook.Signals;
using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// Exercise 2.1: the MIMO filter <c>Y = Σ_k (S^k X) H_k</c>, a module with attributes K, F, G and one learnable
/// tensor of shape <c>[K, F, G]</c> (H[k] the F×G matrix H_k), mapping <c>[B, F, N]</c> to <c>[B, G, N]</c>.
/// The student passes <c>(K, F, G) =&gt; new MimoFilter(K, F, G)</c>; the reference is
/// <see cref="ShiftRegisterConvolution.Filter3D"/>.
/// </summary>
public static class MimoFilterExercise
{
    public const string Id = "2.1";

    /// <summary>
    /// TorchSharp 0.107's <c>matmul</c> ends the process on a shape mismatch instead of throwing (libtorch's error
    /// escapes its native wrapper). A filter that multiplies by H_kᵀ hits exactly that when F ≠ G, so once the F = G
    /// case has shown the transposition, the checks with F ≠ G are not run: they would end the notebook.
    /// </summary>
    private const string SkippedForTransposition = "not checked: your H_k is transposed (see above), and with F ≠ G that multiplication would fail";

    private static bool Transposed(Func<long, long, long, nn.Module<Tensor, Tensor>> build)
    {
        try { return OutputProblem(build, 2, 3, 3, randn(2, 3, 10))?.Contains("H_kᵀ", StringComparison.Ordinal) == true; }
        catch (Exception) { return false; }
    }

    public static PropertyChecks Visible(Func<long, long, long, nn.Module<Tensor, Tensor>> build)
    {
        var checks = new PropertyChecks();
        bool transposed = Transposed(build);
        checks.Add("K, F and G are public attributes with the values given", () =>
        {
            var filter = build(3, 2, 4);
            foreach (var (name, value) in new[] { ("K", 3L), ("F", 2L), ("G", 4L) })
            {
                long? found = ModuleInspection.Attribute(filter, name);
                if (found == null) return $"the filter has no public property or field {name}";
                if (found != value) return $"MimoFilter(K: 3, F: 2, G: 4).{name} is {found}, not {value}";
            }
            return null;
        });
        checks.Add("the coefficients are one learnable tensor of shape [K, F, G]", () =>
        {
            var parameters = ModuleInspection.Parameters(build(3, 2, 4));
            if (parameters.Count != 1) return $"the filter has {parameters.Count} learnable tensors; it should have one, the coefficients";
            var shape = parameters[0].shape;
            if (shape.SequenceEqual(new long[] { 3, 4, 2 })) return "the coefficients have shape [K, G, F] = [3, 4, 2]; store them as [K, F, G] = [3, 2, 4], so that H[k] is the F×G matrix H_k";
            return shape.SequenceEqual(new long[] { 3, 2, 4 }) ? null : $"the coefficients of MimoFilter(3, 2, 4) have shape {TensorComparison.Shape(parameters[0])}, not [K, F, G] = [3, 2, 4]";
        });
        checks.Add("the output is Y = Σ_k (S^k X) H_k, for F = G and for F ≠ G", () =>
            OutputProblem(build, 2, 3, 3, randn(2, 3, 10)) ?? OutputProblem(build, 3, 2, 4, randn(2, 2, 10)));
        checks.Add("shapes: [B, F, N] gives [B, G, N], and [F, N] gives [G, N]", () =>
        {
            if (transposed) return SkippedForTransposition;
            var filter = build(2, 3, 5);
            using var _ = no_grad();
            var batch = filter.call(randn(4, 3, 11));
            if (!batch.shape.SequenceEqual(new long[] { 4, 5, 11 })) return $"a [4, 3, 11] input gave {TensorComparison.Shape(batch)}";
            var single = filter.call(randn(3, 11));
            return single.shape.SequenceEqual(new long[] { 5, 11 }) ? null : $"a [3, 11] input gave {TensorComparison.Shape(single)}";
        });
        return checks;
    }

    public static PropertyChecks Hidden(Func<long, long, long, nn.Module<Tensor, Tensor>> build)
    {
        var checks = new PropertyChecks();
        bool transposed = Transposed(build);
        checks.Add("K = 1 and K > N work", () => transposed ? SkippedForTransposition
            : OutputProblem(build, 1, 2, 3, randn(3, 2, 7)) ?? OutputProblem(build, 9, 2, 1, randn(1, 2, 6)));
        checks.Add("every row of a batch is filtered on its own", () =>
        {
            var filter = build(3, 2, 2);
            var batch = randn(3, 2, 12);
            using var _ = no_grad();
            var together = filter.call(batch);
            for (int b = 0; b < 3; b++)
                if (TensorComparison.Difference(together[b], filter.call(batch[b]), $"row {b} of the batched output") is string p) return p;
            return null;
        });
        checks.Add("gradients reach every coefficient", () =>
        {
            if (transposed) return SkippedForTransposition;
            var filter = build(3, 2, 4);
            filter.call(randn(2, 2, 15)).square().sum().backward();
            long missing = ModuleInspection.WithoutGradient(filter);
            return missing == 0 ? null : $"{missing} of the {ModuleInspection.Count(filter)} coefficients got no gradient";
        });
        checks.Add("the coefficients start random (different for different outputs)", () =>
        {
            var h = ModuleInspection.Parameters(build(4, 2, 3))[0].detach();
            return h.std().item<float>() > 1e-3 ? null : "all coefficients start equal: draw them at random (the lab uses nn.init.xavier_normal_) so the outputs can learn different filters";
        });
        return checks;
    }

    /// <summary>Sets random coefficients and compares the module's output with the definition; names a transposed H_k.</summary>
    internal static string? OutputProblem(Func<long, long, long, nn.Module<Tensor, Tensor>> build, long k, long f, long g, Tensor x)
    {
        var filter = build(k, f, g);
        var parameters = ModuleInspection.Parameters(filter);
        if (parameters.Count != 1 || !parameters[0].shape.SequenceEqual(new[] { k, f, g }))
            return $"MimoFilter({k}, {f}, {g}) has learnable tensors {ModuleInspection.Shapes(filter)}, not one of shape [K, F, G] = [{k}, {f}, {g}]";
        var h = randn(k, f, g);
        ModuleInspection.Assign(filter, new[] { h });
        Tensor output;
        using (no_grad()) output = filter.call(x);
        var expected = ShiftRegisterConvolution.Filter3D(x, h);
        string? problem = TensorComparison.Difference(output, expected, $"the output of MimoFilter({k}, {f}, {g})", 1e-4);
        if (problem != null && f == g && TensorComparison.Same(output, ShiftRegisterConvolution.Filter3D(x, h.transpose(1, 2)), 1e-4))
            return "your output is Σ_k (S^k X) H_kᵀ: H_k is F×G and multiplies S^k X (N×F) from the right, giving N×G";
        return problem;
    }
}
