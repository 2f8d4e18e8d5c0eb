using static TorchSharp.torch;

namespace Workbook.Networks;

/// <summary>Runs layers one after the other with tanh where <see cref="TanhPlacement"/> says.</summary>
internal static class LayerStack
{
    public static Tensor Run<TLayer>(Tensor input, IList<TLayer> layers, TanhPlacement tanh)
        where TLayer : nn.Module<Tensor, Tensor>
    {
        var signal = input;
        for (int l = 0; l < layers.Count; l++)
        {
            var filtered = layers[l].call(signal);
            bool last = l == layers.Count - 1;
            var next = last && tanh == TanhPlacement.BetweenLayers ? filtered : Tanh.Apply(filtered);
            if (!ReferenceEquals(next, filtered)) filtered.Dispose();
            if (!ReferenceEquals(signal, input)) signal.Dispose();
            signal = next;
        }
        return signal;
    }
}
