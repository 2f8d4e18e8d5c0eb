using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// The definition of a CNN's forward pass, for the checks of exercises 1.3 and 3.1: the layers' filters one after the
/// other with tanh between them and none after the last, compared with the student's network.
/// </summary>
internal static class LayerStackReference
{
    /// <summary>
    /// Null when <paramref name="network"/> maps <paramref name="x"/> to <paramref name="expected"/>, the layers' filters
    /// with tanh between them (<see cref="Expected.Network"/>); otherwise the first difference, or, when the network
    /// matches the definition with a tanh after the last layer, that mistake named.
    /// </summary>
    /// <param name="what">what the output is, for the message</param>
    public static string? Problem(nn.Module<Tensor, Tensor> network, Tensor x, Tensor expected, string what)
    {
        Tensor output;
        using (no_grad()) output = network.call(x);
        string? problem = TensorComparison.Difference(output, expected, what, 1e-4);
        if (problem != null && TensorComparison.Same(output, expected.tanh(), 1e-4))
            return "there is a tanh after the last layer: the last layer stays linear (a tanh output could never leave (−1, 1))";
        return problem;
    }
}
