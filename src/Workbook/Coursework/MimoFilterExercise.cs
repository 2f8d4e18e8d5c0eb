using Workbook.Signals;
using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// Exercise 2.1: the MIMO filter <c>Y = Σ_k (S^k X) H_k</c>, a module with attributes K, F, G and one learnable
/// tensor of shape <c>[K, F, G]</c> (H[k] the F×G matrix H_k), mapping <c>[B, F, N]</c> to <c>[B, G, N]</c>.
/// The student passes <c>(K, F, G) =&gt; new MimoFilter(K, F, G)</c>; the reference is
/// <see cref="Expected.Filter3D"/>.
/// </summary>
public static class MimoFilterExercise
{
    public const string Id = "2.1";

    /// <summary>
    /// TorchSharp 0.107's <c>matmul</c> ends the process on a shape or number-type mismatch instead of throwing
    /// (libtorch's error escapes its native wrapper). So the student's filter is called only where such a mismatch is
    /// ruled out first: its coefficients must be float32 like the signals (checked without calling it), and the cases
    /// with F ≠ G run only once the F = G case computes the definition (a transposed H_k, or H_k multiplied from the
    /// wrong side, fits the shapes only when F = G).
    /// </summary>
    private sealed record Guard(string? Problem)
    {
        public static Guard Of(Func<long, long, long, nn.Module<Tensor, Tensor>> build)
        {
            try
            {
                if (NumberTypeProblem(build(2, 3, 3)) is string wrongType) return new Guard(wrongType);
                return OutputProblem(build, 2, 3, 3, CheckInputs.Normal("2.1 X square", 1, 2, 3, 10)) is string square
                    ? new Guard($"not checked, because the output for F = G is not yet right ({(square.Contains("H_kᵀ", StringComparison.Ordinal) ? "your H_k is transposed" : "see above")}); " +
                                "with F ≠ G a multiplication in the wrong order would end the notebook's process")
                    : new Guard((string?)null);
            }
            catch (NotImplementedException) { throw; }
            catch (Exception e) { return new Guard($"not checked, because the filter fails for F = G: {PlainError.Explain(e)}"); }
        }
    }

    /// <summary>Names coefficients that are not float32: a float64 H_k times a float32 signal ends the process in matmul.</summary>
    internal static string? NumberTypeProblem(nn.Module<Tensor, Tensor> module)
    {
        var other = ModuleInspection.Parameters(module).FirstOrDefault(p => p.dtype != float32);
        return other is null ? null
            : $"the coefficients are {other.dtype}, but the signals are float32: create them as float32 (randn and empty give float32 unless told otherwise), " +
              "since a matrix product of a float64 and a float32 tensor would end the notebook's process (not checked further)";
    }

    public static PropertyChecks Visible(Func<long, long, long, nn.Module<Tensor, Tensor>> build)
    {
        var checks = new PropertyChecks();
        var guard = Guard.Of(build);
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
        checks.Add("the coefficients are float32, like the signals", () => NumberTypeProblem(build(3, 2, 4)));
        checks.Add("the output is Y = Σ_k (S^k X) H_k, for F = G and for F ≠ G", () =>
            NumberTypeProblem(build(2, 3, 3)) ?? OutputProblem(build, 2, 3, 3, CheckInputs.Normal("2.1 X square", 1, 2, 3, 10)) ?? guard.Problem
            ?? OutputProblem(build, 3, 2, 4, CheckInputs.Normal("2.1 X", 1, 2, 2, 10)));
        checks.Add("shapes: [B, F, N] gives [B, G, N], and [F, N] gives [G, N]", () =>
        {
            if (guard.Problem != null) return guard.Problem;
            var filter = build(2, 3, 5);
            using var _ = no_grad();
            var batch = filter.call(randn(4, 3, 11));
            if (!batch.shape.SequenceEqual(new long[] { 4, 5, 11 })) return $"a [4, 3, 11] input gave {TensorComparison.Shape(batch)}";
            var single = filter.call(randn(3, 11));
            return single.shape.SequenceEqual(new long[] { 5, 11 }) ? null : $"a [3, 11] input gave {TensorComparison.Shape(single)}";
        });
        checks.Add("every row of a batch is filtered on its own", () => RowsProblem(build, 2, 3, randn(2, 3, 9)));
        checks.Add("the coefficients start random (different for different outputs)", () => StartProblem(build(3, 2, 4)));
        checks.Add("gradients reach every coefficient (Exercise 3.1 trains through the filter)", () =>
        {
            if (guard.Problem != null) return guard.Problem;
            var filter = build(3, 2, 4);
            string? broken = GradientFlow.Problem("your MimoFilter", "3.1", () => filter.call(randn(2, 2, 15)).square().sum());
            if (broken != null) return broken;
            long missing = ModuleInspection.WithoutGradient(filter);
            return missing == 0 ? null : $"{missing} of the {ModuleInspection.Count(filter)} coefficients got no gradient: compute with tensor operations only (no .item(), arrays or detach())";
        });
        return checks;
    }

    public static PropertyChecks Hidden(Func<long, long, long, nn.Module<Tensor, Tensor>> build)
    {
        var checks = new PropertyChecks();
        var guard = Guard.Of(build);
        checks.Add("K = 1 and K > N work", () => guard.Problem ?? OutputProblem(build, 1, 2, 3, randn(3, 2, 7)) ?? OutputProblem(build, 9, 2, 1, randn(1, 2, 6)));
        checks.Add("every row of a batch is filtered on its own", () => RowsProblem(build, 3, 2, randn(3, 2, 12)));
        checks.Add("gradients reach every coefficient", () =>
        {
            if (guard.Problem != null) return guard.Problem;
            var filter = build(3, 2, 4);
            filter.call(randn(2, 2, 15)).square().sum().backward();
            long missing = ModuleInspection.WithoutGradient(filter);
            return missing == 0 ? null : $"{missing} of the {ModuleInspection.Count(filter)} coefficients got no gradient";
        });
        checks.Add("the coefficients start random (different for different outputs)", () => StartProblem(build(4, 2, 3)));
        return checks;
    }

    /// <summary>Filters a batch [B, F, N] of a square (F = G) filter at once and row by row; says where they differ.</summary>
    private static string? RowsProblem(Func<long, long, long, nn.Module<Tensor, Tensor>> build, long k, long f, Tensor batch)
    {
        var filter = build(k, f, f);
        if (NumberTypeProblem(filter) is string wrongType) return wrongType;
        using var _ = no_grad();
        var together = filter.call(batch);
        for (int b = 0; b < batch.shape[0]; b++)
            if (TensorComparison.Difference(together[b], filter.call(batch[b]), $"row {b} of the batched output") is string p) return p;
        return null;
    }

    private static string? StartProblem(nn.Module<Tensor, Tensor> filter)
    {
        var parameters = ModuleInspection.Parameters(filter);
        if (parameters.Count == 0) return "the filter has no learnable tensor";
        return parameters[0].detach().std().item<float>() > 1e-3 ? null
            : "all coefficients start equal: draw them at random (the lab uses nn.init.xavier_normal_) so the outputs can learn different filters";
    }

    /// <summary>Sets random coefficients and compares the module's output with the definition; names a transposed H_k.</summary>
    internal static string? OutputProblem(Func<long, long, long, nn.Module<Tensor, Tensor>> build, long k, long f, long g, Tensor x)
    {
        var filter = build(k, f, g);
        var parameters = ModuleInspection.Parameters(filter);
        if (parameters.Count != 1 || !parameters[0].shape.SequenceEqual(new[] { k, f, g }))
            return $"MimoFilter({k}, {f}, {g}) has learnable tensors {ModuleInspection.Shapes(filter)}, not one of shape [K, F, G] = [{k}, {f}, {g}]";
        var h = CheckInputs.Normal($"2.1 H {k} {f} {g}", 1, k, f, g);
        ModuleInspection.Assign(filter, new[] { h });
        Tensor output;
        using (no_grad()) output = filter.call(x);
        var expected = Expected.Filter3D(x, h);
        var transposed = f == g ? Expected.Filter3D(x, h.transpose(1, 2)) : null;   // the mistake that fits the shapes only when F = G
        string? problem = TensorComparison.Difference(output, expected, $"the output of MimoFilter({k}, {f}, {g})", 1e-4);
        if (problem != null && transposed is not null && TensorComparison.Same(output, transposed, 1e-4))
            return "your output is Σ_k (S^k X) H_kᵀ: H_k is F×G and multiplies S^k X (N×F) from the right, giving N×G";
        return problem;
    }
}
