using static TorchSharp.torch;
using Workbook.Fast;

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
            bool last = l == layers.Count - 1;
            bool tanhAfter = !last || tanh == TanhPlacement.AfterEveryLayer;
            var next = tanhAfter ? FastPath.LayerThenTanh(layers[l], signal) : layers[l].call(signal);
            if (!ReferenceEquals(signal, input)) signal.Dispose();
            signal = next;
        }
        return signal;
    }
}
