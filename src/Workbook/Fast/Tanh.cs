using static TorchSharp.torch;

namespace Workbook.Fast;

/// <summary>
/// The hyperbolic tangent with its backward pass written out: <c>d tanh(x)/dx = 1 − tanh(x)²</c>, from the saved
/// output. For float32 on the CPU both run as single vector passes over memory (<see cref="VectorTanh"/>); for other
/// types and devices tanh is computed as <c>2·σ(2x) − 1</c> (σ the logistic sigmoid), the same function.
/// Why not <c>Tensor.tanh()</c>: in TorchSharp 0.107's libtorch on x86-64, <c>tanh</c> is more than twice as slow as
/// the sigmoid form, enough to be a quarter of a whole forward pass of the lab's CNN (docs/performance.md); and one
/// saved output is all the backward pass needs. Time it again with <c>bench</c> before changing it.
/// </summary>
public sealed class Tanh : autograd.SingleTensorFunction<Tanh>
{
    public override string Name => "TanhBySigmoid";

    /// <summary>tanh of every element, with gradients.</summary>
    public static Tensor Apply(Tensor x) => apply(x);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        var y = VectorTanh.Supports(x) ? VectorTanh.Forward(x) : (x * 2).sigmoid_().mul_(2).sub_(1);
        ctx.save_for_backward(new List<Tensor> { y });
        return y;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
    {
        // Disposed here: the autograd engine may run this outside the caller's dispose scope.
        using var y = ctx.get_saved_variables()[0];
        if (VectorTanh.Supports(y) && VectorTanh.Supports(gradient) && gradient.shape.SequenceEqual(y.shape))
            return new List<Tensor> { VectorTanh.Backward(gradient, y) };
        using var slope = y.square().neg_().add_(1);
        return new List<Tensor> { gradient * slope };
    }
}
