using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workbook.Files;

namespace Workbook.Notebooks.Coursework;

/// <summary>
/// Reads a student's notebook as the grader must: as input that may be anything. Only a regular file (not a link, a
/// pipe or a device) of at most <see cref="MaxBytes"/> is read, and it must have the shape the grader relies on (every
/// cell an object with a text source, exercise headers it can read, for exercises the course has), so that a broken
/// notebook is that notebook's "not readable" with the reason, never a failure of the class run.
/// </summary>
public static class StudentNotebook
{
    /// <summary>A notebook with its outputs can be a few megabytes; ten times the largest the course has is plenty.</summary>
    public const long MaxBytes = 32L * 1024 * 1024;

    /// <exception cref="InvalidDataException">the file cannot be graded; the message names it and says why</exception>
    /// <param name="courseExercises">the exercises of every notebook of the course: a cell headed by another notebook's
    /// exercise is a student's copy of earlier work (the kit asks for it), not a mistake</param>
    public static JsonObject Read(string path, CourseNotebook course, IReadOnlySet<string>? courseExercises = null)
    {
        string file = Path.GetFileName(path);
        var identity = FileIdentity.OfLink(path) ?? throw new InvalidDataException($"{file}: the file is gone");
        if (identity.Kind != FileKind.Regular)
            throw new InvalidDataException($"{file} is {FileIdentity.Describe(identity.Kind)}, not a notebook file: submit the .ipynb file itself");
        if (identity.Size > MaxBytes)
            throw new InvalidDataException($"{file} is {ChildOutput.Megabytes(identity.Size)}; a notebook may be at most {ChildOutput.Megabytes(MaxBytes)} (clear its outputs before submitting)");
        JsonObject notebook;
        try
        {
            notebook = JsonNode.Parse(ChildOutput.ReadFile(path, MaxBytes) ?? "")?.AsObject() ?? throw new InvalidDataException("it is empty");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or InvalidDataException)
        {
            throw new InvalidDataException($"{file}: not a readable notebook ({e.Message.Split('\n')[0]})");
        }
        if (notebook["cells"] is not JsonArray cells) throw new InvalidDataException($"{file}: not a readable notebook (it has no \"cells\" list)");
        for (int i = 0; i < cells.Count; i++)
        {
            string where = string.Create(CultureInfo.InvariantCulture, $"{file}: cell {i + 1}");
            if (cells[i] is not JsonObject cell) throw new InvalidDataException($"{where} is not a cell (a JSON object)");
            if (cell["cell_type"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String)
                throw new InvalidDataException($"{where} has no \"cell_type\" text");
            if (!IsText(cell["source"])) throw new InvalidDataException($"{where}: its \"source\" is neither a text nor a list of texts");
            if ((string?)type != "code") continue;
            string source = JupyterOutputs.Join(cell["source"]);
            (string Id, int Points, string Title)? header;
            try { header = ExerciseMarkers.Header(source); }
            catch (OverflowException) { throw new InvalidDataException($"{where}: its exercise header's points are not a number the grader reads; keep the header line as the handout has it"); }
            if (header is var (id, _, _) && course.Exercises.All(e => e.Id != id) && courseExercises?.Contains(id) != true)
                throw new InvalidDataException($"{where} starts like the header of exercise {id}, which {course.Name} does not have; keep the header lines as the handout has them");
        }
        return notebook;
    }

    private static bool IsText(JsonNode? source) => source switch
    {
        null => true,
        JsonArray lines => lines.All(l => l is JsonValue v && v.GetValueKind() == JsonValueKind.String),
        JsonValue value => value.GetValueKind() == JsonValueKind.String,
        _ => false,
    };
}
