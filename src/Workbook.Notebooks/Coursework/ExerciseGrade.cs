namespace Workbook.Notebooks.Coursework;

/// <summary>A failed property, as the grader reports it.</summary>
public sealed record FailedProperty(string Property, string Problem);

/// <summary>One exercise of one submission, graded.</summary>
/// <param name="Error">what stopped the exercise from being checked, in a student's terms, or null</param>
/// <param name="Note">how it was checked, when that differs from the plain run (with an earlier exercise's model solution)</param>
public sealed record ExerciseGrade(string Notebook, string Exercise, string Title, int Points, int Max, GradeStatus Status,
    IReadOnlyList<string> Passed, IReadOnlyList<FailedProperty> Failed, string? Error, string? Note = null);

/// <summary>A student's answer to a written question, for marking by hand.</summary>
public sealed record WrittenAnswer(string Notebook, string Question, string Prompt, string Answer);

/// <summary>Everything graded for one submission (one student's folder).</summary>
public sealed record SubmissionGrade(string Submission, IReadOnlyList<ExerciseGrade> Exercises, IReadOnlyList<WrittenAnswer> Answers, double Seconds)
{
    public int Total => Exercises.Sum(e => e.Points);

    public int Max => Exercises.Sum(e => e.Max);
}
