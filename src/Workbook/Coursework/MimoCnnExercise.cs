using Workbook.Signals;
using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// Exercise 3.1: the MIMO CNN from (L, taps [K1..KL], features [F0..FL]): L MIMO filters, layer l of shape
/// <c>[K_l, F_(l−1), F_l]</c>, tanh between layers and none after the last, and the specification checked.
/// The student passes <c>(L, taps, features) =&gt; new MimoCnn(L, taps, features)</c>.
/// </summary>
public static class MimoCnnExercise
{
    public const string Id = "3.1";

    /// <summary>
    /// Why the network must not be called with unequal feature counts yet, or null. As in exercise 2.1, a layer that
    /// multiplies in the wrong order fits the shapes only when the feature counts are equal, and TorchSharp's matmul
    /// ends the process on a mismatch: so the network runs with equal counts first, and with float32 coefficients only.
    /// </summary>
    private static string? Guard(Func<int, long[], long[], nn.Module<Tensor, Tensor>> build)
    {
        try
        {
            if (MimoFilterExercise.NumberTypeProblem(build(2, new long[] { 3, 2 }, new long[] { 2, 2, 2 })) is string wrongType) return wrongType;
            return OutputProblem(build, new long[] { 3, 2 }, new long[] { 2, 2, 2 }, CheckInputs.Normal("3.1 X square", 1, 2, 2, 10)) is string square
                ? $"not checked, because the output with equal feature counts ([2, 2, 2]) is not yet right: {square}"
                : null;
        }
        catch (NotImplementedException) { throw; }
        catch (Exception e) { return $"not checked, because the network fails with equal feature counts: {PlainError.Explain(e)}"; }
    }

    public static PropertyChecks Visible(Func<int, long[], long[], nn.Module<Tensor, Tensor>> build)
    {
        var checks = new PropertyChecks();
        string? guard = Guard(build);
        checks.Add("a specification that does not fit L is refused (ArgumentException)", () =>
        {
            foreach (var (l, taps, features, what) in new[]
                     {
                         (2, new long[] { 3 }, new long[] { 1, 2, 1 }, "taps [3] for L = 2"),
                         (2, new long[] { 3, 3 }, new long[] { 1, 1 }, "features [1, 1] for L = 2"),
                         (1, new long[] { 0 }, new long[] { 1, 1 }, "a layer with 0 taps"),
                     })
            {
                try { build(l, taps, features); }
                catch (ArgumentException) { continue; }
                return $"{what} was accepted: throw an ArgumentException that names the mismatch";
            }
            return null;
        });
        checks.Add("L layers of shape [K_l, F_(l−1), F_l]: P = Σ_l K_l F_(l−1) F_l learnable numbers", () =>
        {
            var network = build(2, new long[] { 40, 40 }, new long[] { 1, 5, 1 });
            var shapes = ModuleInspection.Parameters(network).Select(p => TensorComparison.Shape(p)).ToList();
            if (shapes.Count == 0) return "parameters() finds no learnable numbers: keep the layers in a ModuleList and call RegisterComponents()";
            string expected = "[[40, 1, 5], [40, 5, 1]]";
            string got = "[" + string.Join(", ", shapes) + "]";
            return got == expected ? null : $"MimoCnn(2, [40, 40], [1, 5, 1]) has learnable tensors {got}; expected {expected}";
        });
        checks.Add("the output is layer L(tanh(… tanh(layer 1(X)))), with no tanh after the last layer", () => guard ??
            OutputProblem(build, new long[] { 4, 3 }, new long[] { 2, 3, 2 }, CheckInputs.Normal("3.1 X", 1, 2, 2, 12)));
        checks.Add("shapes: [B, F0, N] gives [B, FL, N]", () =>
        {
            if (guard != null) return guard;
            var network = build(3, new long[] { 2, 3, 2 }, new long[] { 2, 4, 3, 1 });
            using var _ = no_grad();
            var output = network.call(randn(5, 2, 9));
            return output.shape.SequenceEqual(new long[] { 5, 1, 9 }) ? null : $"a [5, 2, 9] input gave {TensorComparison.Shape(output)}, not [5, 1, 9]";
        });
        checks.Add("causal: changing the input at time n₀ changes no output before n₀", () =>
        {
            if (guard != null) return guard;
            var network = build(2, new long[] { 3, 3 }, new long[] { 1, 2, 1 });
            var a = randn(1, 1, 30);
            var b = a.clone();
            b[0, 0, 20] = tensor(5f);
            using var _ = no_grad();
            var difference = (network.call(a) - network.call(b)).abs();
            long early = difference[0, 0, ..20].gt(1e-6f).nonzero().shape[0];
            return early == 0 ? null : $"{early} outputs before n = 20 changed when only the input at n = 20 changed";
        });
        checks.Add("gradients reach every coefficient (Exercise 4.1 trains the network)", () =>
        {
            if (guard != null) return guard;
            var network = build(2, new long[] { 3, 2 }, new long[] { 2, 3, 1 });
            string? broken = GradientFlow.Problem("your MimoCnn", "4.1", () => network.call(randn(2, 2, 16)).square().sum());
            if (broken != null) return broken;
            long missing = ModuleInspection.WithoutGradient(network);
            return missing == 0 ? null : $"{missing} of the {ModuleInspection.Count(network)} coefficients got no gradient";
        });
        return checks;
    }

    public static PropertyChecks Hidden(Func<int, long[], long[], nn.Module<Tensor, Tensor>> build)
    {
        var checks = new PropertyChecks();
        string? guard = Guard(build);
        checks.Add("L = 1 and L = 3 networks compute the definition", () => guard ??
            OutputProblem(build, new long[] { 5 }, new long[] { 3, 2 }, randn(2, 3, 8))
            ?? OutputProblem(build, new long[] { 2, 1, 7 }, new long[] { 1, 3, 2, 1 }, randn(3, 1, 6)));
        checks.Add("gradients reach every coefficient", () =>
        {
            if (guard != null) return guard;
            var network = build(2, new long[] { 3, 2 }, new long[] { 2, 3, 1 });
            network.call(randn(2, 2, 16)).square().sum().backward();
            long missing = ModuleInspection.WithoutGradient(network);
            return missing == 0 ? null : $"{missing} of the {ModuleInspection.Count(network)} coefficients got no gradient";
        });
        return checks;
    }

    private static string? OutputProblem(Func<int, long[], long[], nn.Module<Tensor, Tensor>> build, long[] taps, long[] features, Tensor x)
    {
        var network = build(taps.Length, taps, features);
        var parameters = ModuleInspection.Parameters(network);
        var shapes = taps.Select((k, l) => new[] { k, features[l], features[l + 1] }).ToArray();
        if (parameters.Count != taps.Length || parameters.Select(p => p.shape).Zip(shapes).Any(s => !s.First.SequenceEqual(s.Second)))
            return $"the network has learnable tensors {ModuleInspection.Shapes(network)}; expected one [K_l, F_(l−1), F_l] per layer";
        var h = shapes.Select((s, l) => CheckInputs.Normal($"3.1 layer {l} [{string.Join(", ", s)}]", 0.5, s)).ToArray();
        ModuleInspection.Assign(network, h);
        return LayerStackReference.Problem(network, x, Expected.Network(x, h), "the network's output");
    }
}
