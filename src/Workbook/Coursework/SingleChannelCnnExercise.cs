using Workbook.Signals;
using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// Exercise 1.3: the single-channel layer (K learnable taps, starting at ones as in the lab) and the CNN of L such
/// layers with tanh between them and none after the last. The student passes a way to build each:
/// <c>K =&gt; new ConvolutionLayer(K)</c> and <c>(L, taps) =&gt; new SingleChannelCnn(L, taps)</c>. Its points come in
/// two groups, "layer" and "network", so that a right layer scores even when the network around it is not yet right.
/// </summary>
public static class SingleChannelCnnExercise
{
    public const string Id = "1.3";

    public static PropertyChecks Visible(Func<long, nn.Module<Tensor, Tensor>> layer, Func<int, long[], nn.Module<Tensor, Tensor>> cnn)
    {
        var checks = new PropertyChecks { Group = "layer" };
        checks.Add("a layer with K taps has one learnable tensor of K numbers, starting at ones", () =>
        {
            var parameters = ModuleInspection.Parameters(layer(4));
            if (parameters.Count != 1) return $"a layer with K = 4 has {parameters.Count} learnable tensors; it should have one, the taps (a Parameter field, then RegisterComponents())";
            if (parameters[0].numel() != 4) return $"a layer with K = 4 has {parameters[0].numel()} taps";
            return parameters[0].detach().flatten().allclose(ones(4)) ? null : "the taps should start at ones, as in the lab";
        });
        checks.Add("a layer filters: its output is Σ_k h_k S^k x for its taps h", () =>
        {
            var module = layer(3);
            var h = tensor(new float[] { 0.5f, -1f, 2f });
            ModuleInspection.Assign(module, new[] { h.view(ModuleInspection.Parameters(module)[0].shape) });
            var x = CheckInputs.Normal("1.3 layer x", 1, 1, 1, 12);
            using var _ = no_grad();
            return TensorComparison.Difference(module.call(x), Expected.Filter(x, h), "the layer's output for a [1, 1, 12] input");
        });
        checks.Group = "network";
        checks.Add("the CNN's layers are registered: parameters() holds Σ_l K_l taps", () =>
        {
            long count = ModuleInspection.Count(cnn(3, new long[] { 4, 3, 2 }));
            if (count == 0)
                return "parameters() finds no learnable numbers: keep the layers in a ModuleList field and call RegisterComponents() " +
                       "(the handout keeps them in a plain list, so the optimiser never sees them)";
            return count == 9 ? null : $"a CNN with taps [4, 3, 2] has {count} learnable numbers; it should have 4 + 3 + 2 = 9";
        });
        checks.Add("the CNN computes layer L(tanh(… tanh(layer 1(x)))), with no tanh after the last layer", () =>
            OutputProblem(cnn, new long[] { 4, 3, 2 }, CheckInputs.Normal("1.3 network x", 1, 2, 1, 16)));
        checks.Add("shapes: [N] in gives [N] out, [B, 1, N] in gives [B, 1, N] out", () =>
        {
            var network = cnn(2, new long[] { 3, 2 });
            using var _ = no_grad();
            var single = network.call(randn(10));
            if (!single.shape.SequenceEqual(new long[] { 10 })) return $"a [10] input gave {TensorComparison.Shape(single)}";
            var batch = network.call(randn(4, 1, 10));
            return batch.shape.SequenceEqual(new long[] { 4, 1, 10 }) ? null : $"a [4, 1, 10] input gave {TensorComparison.Shape(batch)}";
        });
        checks.Add("gradients reach every tap of every layer (Exercise 4.1 trains the network)", () =>
        {
            var network = cnn(2, new long[] { 3, 2 });
            string? broken = GradientFlow.Problem("your CNN", "4.1", () => network.call(randn(2, 1, 12)).square().sum());
            if (broken != null) return broken;
            long missing = ModuleInspection.WithoutGradient(network);
            return missing == 0 ? null : $"{missing} of the 5 taps got no gradient: compute with tensor operations only (no .item(), arrays or detach())";
        });
        checks.Add("a CNN whose taps list does not have L entries is refused (ArgumentException)", () =>
        {
            try { cnn(2, new long[] { 3 }); }
            catch (ArgumentException) { return null; }
            return "new SingleChannelCnn(2, [3]) was accepted: throw an ArgumentException that says taps needs L entries";
        });
        return checks;
    }

    public static PropertyChecks Hidden(Func<long, nn.Module<Tensor, Tensor>> layer, Func<int, long[], nn.Module<Tensor, Tensor>> cnn)
    {
        var checks = new PropertyChecks { Group = "network" };
        checks.Add("one layer (L = 1) is just a filter, no tanh", () => OutputProblem(cnn, new long[] { 5 }, randn(3, 1, 9)));
        checks.Add("K = 1 and K > N work", () => OutputProblem(cnn, new long[] { 1, 12 }, randn(2, 1, 8)));
        checks.Add("gradients reach every tap of every layer", () =>
        {
            var network = cnn(2, new long[] { 3, 4 });
            network.call(randn(2, 1, 20)).square().sum().backward();
            long missing = ModuleInspection.WithoutGradient(network);
            return missing == 0 ? null : $"{missing} of the 7 taps got no gradient";
        });
        return checks;
    }

    /// <summary>Gives the network random taps and compares its output with the definition; names a tanh after the last layer.</summary>
    private static string? OutputProblem(Func<int, long[], nn.Module<Tensor, Tensor>> cnn, long[] taps, Tensor x)
    {
        var network = cnn(taps.Length, taps);
        var parameters = ModuleInspection.Parameters(network);
        if (parameters.Count != taps.Length) return $"the network has {parameters.Count} learnable tensors for {taps.Length} layers";
        var h = taps.Select((k, l) => CheckInputs.Normal($"1.3 taps {l} of [{string.Join(", ", taps)}]", 0.7, k)).ToArray();
        ModuleInspection.Assign(network, h.Select((t, l) => t.view(parameters[l].shape)).ToArray());
        return LayerStackReference.Problem(network, x, Expected.Network(x, h), $"the output of a CNN with taps [{string.Join(", ", taps)}]");
    }
}
