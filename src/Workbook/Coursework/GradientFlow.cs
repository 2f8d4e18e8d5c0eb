using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// Checks that gradients flow through a student's function, in the exercise where the function is written: a later
/// exercise trains through it, and a function that breaks the backward pass (an in-place <c>zero_()</c>, a detour
/// through <c>.item()</c> or arrays) would otherwise pass its own checks and fail only there, far from the mistake.
/// </summary>
public static class GradientFlow
{
    /// <summary>
    /// Computes <paramref name="loss"/> (an error there is the function's own, reported as any other) and runs its
    /// backward pass; says in words why no gradient can flow, or null.
    /// </summary>
    /// <param name="what">what the gradient flows through, e.g. "your Shift"</param>
    /// <param name="laterExercise">the exercise that trains through it, e.g. "1.3"</param>
    public static string? Problem(string what, string laterExercise, Func<Tensor> loss)
    {
        var value = loss();
        if (!value.requires_grad)
            return $"no gradient flows back through {what} (Exercise {laterExercise} trains through it): its result is not connected to its inputs; " +
                   "compute with tensor operations only — no .item(), arrays, detach() or new tensors built from the numbers";
        try
        {
            value.backward();
            return null;
        }
        catch (Exception e)
        {
            string raw = PropertyChecks.FirstLine(e.Message);
            string text = raw.ToLowerInvariant();
            string cause = text.Contains("in-place") || text.Contains("inplace") || text.Contains("zero") || text.Contains("derivative for")
                ? "it uses an in-place operation (zero_(), fill_(), an indexed assignment, or another operation ending in _) on a tensor the backward pass goes through; " +
                  "build the result from new tensors instead, e.g. cat the zeros in front of the kept samples, or multiply by a mask"
                : PlainError.Sentence(e) ?? "the backward pass failed";
            return $"gradients cannot flow back through {what} (Exercise {laterExercise} trains through it): {cause} (libtorch: {raw})";
        }
    }

    /// <summary>"the gradient reaching … is missing" when <paramref name="leaf"/> got no gradient, or null.</summary>
    public static string? Missing(Tensor leaf, string what, string laterExercise) =>
        leaf.grad is null
            ? $"no gradient reached {what} (Exercise {laterExercise} trains through it): compute with tensor operations only — no .item(), arrays, detach() or new tensors built from the numbers"
            : null;
}
