using System.Text.Json.Nodes;
using Workbook.Coursework;

namespace Workbook.Notebooks.Coursework;

/// <summary>An exercise as the instructor's notebook declares it.</summary>
/// <param name="Cell">the 0-based index of the cell that holds the solution</param>
/// <param name="CheckCells">the 0-based indexes of the cells that check it (visible and hidden checks)</param>
public sealed record Exercise(string Notebook, string Id, int Points, string Title, int Cell, IReadOnlyList<int> CheckCells);

/// <summary>A written question: its id and the markdown cell that asks it.</summary>
/// <param name="Prompt">the cell's text before the model answer, to tell the student's answer from the question</param>
public sealed record Question(string Notebook, string Id, int Cell, string Prompt);

/// <summary>What an instructor's notebook holds for coursework: its exercises (with points) and written questions.</summary>
public sealed record CourseNotebook(string Path, string Name, JsonObject Instructor, IReadOnlyList<Exercise> Exercises, IReadOnlyList<Question> Questions)
{
    public int MaxPoints => Exercises.Sum(e => e.Points);

    public static CourseNotebook Read(string path)
    {
        var notebook = NotebookFile.Read(path);
        string name = System.IO.Path.GetFileNameWithoutExtension(path);
        var cells = notebook["cells"]!.AsArray();
        var exercises = new List<(string Id, int Points, string Title, int Cell)>();
        var checks = new Dictionary<string, List<int>>();
        var questions = new List<Question>();
        for (int i = 0; i < cells.Count; i++)
        {
            string source = JupyterOutputs.Join(cells[i]!["source"]);
            if ((string?)cells[i]!["cell_type"] == "code")
            {
                if (ExerciseMarkers.Header(source) is var (id, points, title))
                {
                    if (exercises.Any(e => e.Id == id)) throw new InvalidDataException($"{path}: exercise {id} is declared twice (cells {exercises.First(e => e.Id == id).Cell + 1} and {i + 1})");
                    exercises.Add((id, points, title, i));
                }
                else if (ExerciseMarkers.CheckedExercise(source) is string checkedId)
                {
                    if (!checks.TryGetValue(checkedId, out var list)) checks[checkedId] = list = new List<int>();
                    list.Add(i);
                }
            }
            else if (ExerciseMarkers.Question(source) is string questionId && source.Contains(ExerciseMarkers.BeginAnswer, StringComparison.Ordinal))
            {
                questions.Add(new Question(name, questionId, i, source[..source.IndexOf(ExerciseMarkers.BeginAnswer, StringComparison.Ordinal)].Trim()));
            }
        }
        foreach (var id in checks.Keys.Where(id => exercises.All(e => e.Id != id)))
            throw new InvalidDataException($"{path}: cell {checks[id][0] + 1} checks exercise {id}, which no cell declares");
        var declared = exercises.Select(e =>
        {
            var checkCells = checks.GetValueOrDefault(e.Id) ?? throw new InvalidDataException($"{path}: exercise {e.Id} has no check cell (Check.Exercise(\"{e.Id}\", …))");
            return new Exercise(name, e.Id, e.Points, e.Title, e.Cell, checkCells);
        }).ToList();
        return new CourseNotebook(System.IO.Path.GetFullPath(path), name, notebook, declared, questions);
    }
}
