using Workbook.Notebooks.Coursework;

namespace Workbook.Tests.Coursework;

/// <summary>When libtorch ends a notebook's process, the grader says why in the student's terms, then libtorch's words.</summary>
public class ProcessEndReasonTests
{
    private static string ReasonFor(string what)
    {
        string log = Path.GetTempFileName();
        try
        {
            File.WriteAllText(log, $"terminate called after throwing an instance of 'c10::Error'\n  what():  {what}\nException raised from …\n");
            return Grader.ProcessEndReason(log);
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact]
    public void A_float64_tensor_meeting_a_float32_one_is_named_as_number_types_not_shapes()
    {
        string reason = ReasonFor("expected m1 and m2 to have the same dtype, but got: double != float");
        Assert.StartsWith("two tensors with different number types met (float32 and float64?)", reason);
        Assert.DoesNotContain("shape", reason);
        Assert.EndsWith("double != float)", reason);
    }

    [Fact]
    public void Shapes_that_cannot_be_multiplied_are_named_as_shapes_before_libtorchs_text()
    {
        string reason = ReasonFor("mat1 and mat2 shapes cannot be multiplied (30x2 and 3x4)");
        Assert.StartsWith("the shapes of two tensors do not fit the operation", reason);
        Assert.Contains("mat1 and mat2 shapes cannot be multiplied (30x2 and 3x4)", reason);
    }

    [Fact]
    public void A_process_that_left_no_message_exited_without_a_result()
    {
        Assert.Equal("it exited without a result", Grader.ProcessEndReason(Path.Combine(Path.GetTempPath(), $"no-log-{Guid.NewGuid():N}")));
    }
}
