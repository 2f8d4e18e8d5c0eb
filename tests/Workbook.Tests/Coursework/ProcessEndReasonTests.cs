using Workbook.Notebooks.Coursework;

namespace Workbook.Tests.Coursework;

/// <summary>
/// libtorch ends the process on some mistakes instead of throwing (a matmul of mismatched shapes or number types):
/// the grader reads its last words from the run's log and says first, in a plain sentence, what they mean.
/// </summary>
public sealed class ProcessEndReasonTests
{
    private static string Reason(string what) =>
        Grader.ProcessEndReason(["  cell 5: running", "terminate called after throwing an instance of 'c10::Error'", $"  what():  {what}", "Exception raised from ..."]);

    [Fact]
    public void A_number_type_mismatch_is_named_as_one_not_as_a_shape_problem()
    {
        string reason = Reason("expected m1 and m2 to have the same dtype, but got: double != float");

        Assert.StartsWith("two tensors with different number types met", reason);
        Assert.EndsWith("(libtorch ended the process instead of throwing: expected m1 and m2 to have the same dtype, but got: double != float)", reason);
        Assert.DoesNotContain("shape", reason);
    }

    [Fact]
    public void A_shape_mismatch_is_named_as_one()
    {
        string reason = Reason("mat1 and mat2 shapes cannot be multiplied (3x2 and 4x3)");

        Assert.StartsWith("the shapes of two tensors do not fit the operation", reason);
        Assert.Contains("mat1 and mat2 shapes cannot be multiplied (3x2 and 4x3)", reason);
    }

    [Fact]
    public void Unknown_last_words_are_given_as_libtorch_said_them_and_no_words_say_so()
    {
        Assert.Equal("libtorch ended the process instead of throwing: something else", Reason("something else"));
        Assert.Equal("it exited without a result", Grader.ProcessEndReason(["  cell 3: running"]));
    }
}
