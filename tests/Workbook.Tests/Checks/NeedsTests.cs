using Workbook.Coursework;
using static TorchSharp.torch;

namespace Workbook.Tests.Checks;

/// <summary>Demonstration cells of an unfinished notebook print one line instead of failing (<see cref="Needs"/>).</summary>
[Collection("Console")]
public class NeedsTests
{
    private static string Printed(Action action)
    {
        var before = Console.Out;
        var text = new StringWriter();
        Console.SetOut(text);
        try { action(); }
        finally { Console.SetOut(before); }
        return text.ToString();
    }

    [Fact]
    public void A_demonstration_that_meets_a_stub_prints_which_exercise_it_needs_and_the_cell_goes_on()
    {
        Tensor Shift(Tensor x, long k) => throw new NotImplementedException("Exercise 7.1: write Shift");
        Tensor? result = zeros(1);
        string printed = Printed(() => result = Needs.Exercise("7.1", () => Shift(ones(3), 1)));
        Assert.Null(result);
        Assert.Equal("needs Exercise 7.1 (write Shift), not written yet", printed.Trim());
    }

    [Fact]
    public void A_demonstration_of_written_code_runs_and_gives_its_value()
    {
        int ran = 0;
        Assert.Equal(3, Needs.Exercise("7.2", () => { ran++; return 3; }));
        Needs.Exercise("7.2", () => { ran++; });
        Assert.Equal(2, ran);
    }

    [Fact]
    public void Any_other_error_is_the_students_and_is_thrown()
    {
        Assert.Throws<InvalidOperationException>(() => Needs.Exercise("7.3", () => throw new InvalidOperationException("a real bug")));
    }

    [Fact]
    public void After_a_check_found_the_stub_a_demonstration_is_not_even_started_until_the_check_finds_code()
    {
        Tensor Stub(Tensor x, long k) => throw new NotImplementedException("Exercise 1.1: write Shift");
        Check.Exercise("1.1", Stub);
        int ran = 0;
        string printed = Printed(() => Needs.Exercise("1.1", () => { ran++; }));
        Assert.Equal(0, ran);
        Assert.Contains("needs Exercise 1.1 (write Shift)", printed);

        Check.Exercise("1.1", LibraryAnswers.Shift);
        Needs.Exercise("1.1", () => { ran++; });
        Assert.Equal(1, ran);
    }

    [Fact]
    public void A_demonstration_needing_two_exercises_names_the_first_missing_one()
    {
        string printed = Printed(() => Needs.Exercise("7.4", "7.5", () => throw new NotImplementedException("Exercise 7.5: write the training loop")));
        Assert.Contains("needs Exercise 7.5 (write the training loop)", printed);
    }
}

/// <summary>Tests that redirect the console or read what the checks recorded run alone.</summary>
[CollectionDefinition("Console", DisableParallelization = true)]
public sealed class ConsoleCollection;
