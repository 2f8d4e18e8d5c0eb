using Workbook.Networks;
using Workbook.Signals;
using static TorchSharp.torch;

namespace Workbook.Tests.Fast;

/// <summary>
/// The inference pass with tanh folded into the filters, against the network written out from its definition
/// (the shift-register convolution and <c>Tensor.tanh</c>) where the fold has edge cases: clips shorter than a
/// layer's taps (the step response never reaches its constant part), one layer, and tanh after the last layer.
/// </summary>
public class FoldedInferenceTests
{
    private static Tensor ByDefinition(MimoCnn cnn, Tensor x)
    {
        var signal = x;
        for (int l = 0; l < cnn.Layers.Count; l++)
        {
            signal = ShiftRegisterConvolution.Filter3D(signal, cnn.Layers[l].H.detach());
            if (l < cnn.Layers.Count - 1 || cnn.Specification.Tanh == TanhPlacement.AfterEveryLayer) signal = signal.tanh();
        }
        return signal;
    }

    [Theory]
    [InlineData(TanhPlacement.BetweenLayers, 7)]     // shorter than the second layer's 12 taps
    [InlineData(TanhPlacement.AfterEveryLayer, 7)]
    [InlineData(TanhPlacement.BetweenLayers, 12)]    // exactly the taps
    [InlineData(TanhPlacement.BetweenLayers, 13)]    // one sample into the constant part
    [InlineData(TanhPlacement.AfterEveryLayer, 40)]
    public void Equals_the_definition_for_clips_shorter_and_longer_than_the_filters(TanhPlacement tanh, int samples)
    {
        manual_seed(21);
        using var cnn = new MimoCnn(new CnnSpecification(new long[] { 5, 12, 3 }, new long[] { 1, 3, 2, 1 }, tanh));
        // Large coefficients push tanh out of its linear range, so a wrong offset or scale shows.
        using (no_grad()) foreach (var layer in cnn.Layers) layer.H.mul_(3);
        var x = randn(2, 1, samples, dtype: float32);
        Tensor folded;
        using (no_grad()) folded = cnn.call(x);
        TensorAssert.Close(ByDefinition(cnn, x), folded, 1e-5, $"{tanh}, N = {samples}");
    }

    [Theory]
    [InlineData(TanhPlacement.BetweenLayers)]
    [InlineData(TanhPlacement.AfterEveryLayer)]
    public void One_layer_networks_fold_correctly(TanhPlacement tanh)
    {
        manual_seed(22);
        using var cnn = new MimoCnn(new CnnSpecification(new long[] { 6 }, new long[] { 2, 3 }, tanh));
        using (no_grad()) cnn.Layers[0].H.mul_(4);
        var x = randn(3, 2, 50);
        using (no_grad())
        {
            TensorAssert.Close(ByDefinition(cnn, x), cnn.call(x), 1e-5);
            TensorAssert.Close(ByDefinition(cnn, x)[1], cnn.call(x[1]), 1e-5, "unbatched");
        }
    }

    [Fact]
    public void A_single_channel_cnn_with_tanh_after_every_layer_applies_it_after_the_last()
    {
        using var cnn = new SingleChannelCnn(2, new long[] { 3, 2 }, TanhPlacement.AfterEveryLayer);
        var x = randn(2, 1, 30) * 2;
        var expected = ShiftRegisterConvolution.Filter(ShiftRegisterConvolution.Filter(x, ones(3)).tanh(), ones(2)).tanh();
        TensorAssert.Close(expected, cnn.call(x), 1e-5);
    }

    [Fact]
    public void Inference_leaves_the_input_untouched()
    {
        manual_seed(23);
        using var cnn = new MimoCnn(CnnSpecification.LabDenoiser);
        var x = randn(2, 1, 300);
        var copy = x.clone();
        using (no_grad()) cnn.call(x);
        cnn.call(x).Dispose();
        TensorAssert.Close(copy, x, 0);
    }
}
