using Workbook.Fast;
using Workbook.Networks;
using Workbook.Signals;
using static TorchSharp.torch;

namespace Workbook.Tests.Fast;

/// <summary>
/// <see cref="FastPath"/>, the one door from the lab's classes to the speed machinery: each entry computes what the
/// definition computes (the shift register and <c>Tensor.tanh</c>), values and gradients, on every route it can take.
/// </summary>
public class FastPathTests
{
    public static TheoryData<string> Routes => new() { "vector loops", "FFT", "conv1d" };

    /// <summary>A MimoFilter(K=9, F=3, G=2) and an input <c>[2, 3, 300]</c> that take <paramref name="route"/>.</summary>
    private static (MimoFilter Layer, Tensor Input) LayerOn(string route)
    {
        manual_seed(4);
        var layer = new MimoFilter(9, 3, 2);
        var x = randn(2, 3, 300);
        if (route == "FFT") layer.Algorithm = ConvolutionAlgorithm.Fft;
        if (route == "conv1d") layer.Algorithm = ConvolutionAlgorithm.Direct;
        // Large enough that tanh leaves its linear range: a missing or doubled tanh shows.
        using (no_grad()) layer.H.mul_(4);
        Assert.Equal(route == "vector loops", FastPath.UsesVectorLoops(layer, x));
        return (layer, x.requires_grad_());
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public void A_layer_then_tanh_is_tanh_of_the_definition_with_its_gradients(string route)
    {
        var (layer, x) = LayerOn(route);
        using var _ = layer;
        var fast = FastPath.LayerThenTanh(layer, x);
        var weights = randn_like(fast);
        (fast * weights).sum().backward();

        var definedX = x.detach().requires_grad_();
        var definedH = layer.H.detach().requires_grad_();
        var definition = ShiftRegisterConvolution.Filter3D(definedX, definedH).tanh();
        (definition * weights).sum().backward();

        TensorAssert.Close(definition, fast, 1e-5, $"tanh(H ∗ x), {route}");
        TensorAssert.Close(definedX.grad!, x.grad!, 1e-5, $"gradient for x, {route}");
        TensorAssert.Close(definedH.grad!, layer.H.grad!, 1e-5, $"gradient for H, {route}");
    }

    [Fact]
    public void An_unbatched_input_gives_an_unbatched_output_on_the_fused_route()
    {
        var (layer, x) = LayerOn("vector loops");
        using var _ = layer;
        var single = x.detach()[0];
        Tensor fast;
        using (no_grad()) fast = FastPath.LayerThenTanh(layer, single);
        Assert.Equal(new long[] { 2, 300 }, fast.shape);
        TensorAssert.Close(ShiftRegisterConvolution.Filter3D(single, layer.H.detach()).tanh(), fast, 1e-5, "[F, N] input");
    }

    [Fact]
    public void A_network_infers_only_when_no_gradient_is_asked_of_it()
    {
        using var cnn = new MimoCnn(CnnSpecification.LabDenoiser);
        var x = randn(1, 1, 100);
        Assert.False(FastPath.CanInfer(cnn, x));                         // the coefficients learn
        Assert.True(cnn.call(x).requires_grad);                          // so the layer stack builds the graph
        using (no_grad())
        {
            Assert.True(FastPath.CanInfer(cnn, x));
            Assert.False(cnn.call(x).requires_grad);
        }
        foreach (var p in cnn.parameters()) p.requires_grad_(false);
        Assert.True(FastPath.CanInfer(cnn, x));                          // nothing learns and x needs no gradient
        Assert.False(FastPath.CanInfer(cnn, x.requires_grad_()));        // a gradient for the input is still a gradient
    }
}
