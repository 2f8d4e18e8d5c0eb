namespace Workbook.Notebooks.Coursework;

/// <summary>How an exercise was graded; the output files spell each one as <see cref="GradeStatuses.Word"/> says.</summary>
public enum GradeStatus
{
    /// <summary>Every property of its checks holds: full points.</summary>
    Passed,

    /// <summary>The exercise's header splits its points into groups, and the properties of some groups hold: those points.</summary>
    PartlyPassed,

    /// <summary>A property does not hold, or the student's cell or the check threw.</summary>
    Failed,

    /// <summary>The student's cell still throws the stub's NotImplementedException.</summary>
    NotImplemented,

    /// <summary>The notebook is there but no cell starts with the exercise's header line.</summary>
    Missing,

    /// <summary>The notebook is not in the submission.</summary>
    NotSubmitted,

    /// <summary>The notebook (or the file standing in its place) cannot be read as a notebook.</summary>
    NotReadable,

    /// <summary>A cell ran past the time limit, or the submission ran past its own.</summary>
    TimedOut,

    /// <summary>The student's code ended the notebook's process.</summary>
    Crashed,

    /// <summary>The solution uses what the exercise asks the student to write.</summary>
    NotAccepted,
}

/// <summary>The words the grades files use for each <see cref="GradeStatus"/>.</summary>
public static class GradeStatuses
{
    /// <summary>The status as grades.csv, grades.json and the feedback page spell it: "passed", "not implemented", ….</summary>
    public static string Word(this GradeStatus status) => status switch
    {
        GradeStatus.Passed => "passed",
        GradeStatus.PartlyPassed => "partly passed",
        GradeStatus.Failed => "failed",
        GradeStatus.NotImplemented => "not implemented",
        GradeStatus.Missing => "missing",
        GradeStatus.NotSubmitted => "not submitted",
        GradeStatus.NotReadable => "not readable",
        GradeStatus.TimedOut => "timed out",
        GradeStatus.Crashed => "crashed",
        GradeStatus.NotAccepted => "not accepted",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
