namespace Workbook.Coursework;

/// <summary>
/// Says in a plain sentence what an exception from a student's code means, before libtorch's own text: libtorch's
/// messages name C++ operators and internal shapes, which a student learning the subject cannot yet read.
/// </summary>
public static class PlainError
{
    /// <summary>"your code read past the end of a tensor (k ≤ K instead of k &lt; K?) — libtorch: index 4 is out of bounds …".</summary>
    public static string Explain(Exception e)
    {
        if (e is NotImplementedException) return $"not implemented yet ({e.Message})";
        string raw = PropertyChecks.FirstLine(e.Message);
        string kind = e.GetType().Name;
        return Sentence(e) is string plain ? $"{plain} (your code threw {kind}: {raw})" : $"your code threw {kind}: {raw}";
    }

    /// <summary>The plain sentence for the kind of error, or null when it is none of the kinds known here.</summary>
    public static string? Sentence(Exception e) =>
        e is IndexOutOfRangeException or ArgumentOutOfRangeException ? Sentence("out of range") : Sentence(e.Message);

    /// <summary>The plain sentence for an error message (libtorch's own text, as it printed it), or null when it is none of the kinds known here.</summary>
    public static string? Sentence(string message)
    {
        string text = message.ToLowerInvariant();
        return
            text.Contains("out of bounds") || text.Contains("out of range")
                ? "your code read past the end of a tensor or array: an index must stay below the length (a loop over K taps runs k = 0 … K−1, so k < K, not k <= K)"
            : text.Contains("modified by an inplace operation")
                ? "a tensor that the backward pass needs was changed in place before loss.backward() ran: call optimizer.step() after loss.backward(), and avoid in-place operations (those ending in _) on tensors that carry gradients"
            : text.Contains("leaf variable") && text.Contains("in-place")
                ? "your code wrote in place (an operation ending in _, or an indexed assignment) into a tensor that needs gradients: build a new tensor instead"
            : text.Contains("derivative for") && text.Contains("not implemented")
                ? "the backward pass cannot differentiate through an operation your code uses; this usually comes from an in-place operation such as zero_() on the result: build the result from new tensors instead (cat, or multiplying by a mask)"
            : text.Contains("scalar type") || text.Contains("dtype") || text.Contains("same dtype")
                ? "two tensors with different number types met (float32 and float64?): make every tensor your code creates float32, or give it the dtype of its input"
            : text.Contains("shape") || text.Contains("size of tensor") || text.Contains("sizes") || text.Contains("dimension")
                ? "the shapes of two tensors do not fit the operation"
            : text.Contains("does not require grad") || text.Contains("grad_fn")
                ? "no gradient can flow back through your result: compute it with tensor operations only (no .item(), arrays or detach())"
            : null;
    }
}
