using System.Text.RegularExpressions;
using Workbook.Notebooks;
using Workbook.Notebooks.Coursework;
using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Coursework;

/// <summary>
/// The student notebooks must not give away a written question's model answer elsewhere in their text (a table that
/// prints it, an errata paragraph that states it): no run of six words of any model answer appears in them.
/// </summary>
public class AnswerLeakTests
{
    private const int RunLength = 6;

    [Fact]
    public void No_model_answer_is_stated_in_the_student_notebooks_text()
    {
        string studentText = string.Join(" ", StudentNotebooks().SelectMany(path => NotebookFile.Read(path)["cells"]!.AsArray())
            .Select(c => JupyterOutputs.Join(c!["source"])));
        var student = " " + string.Join(" ", Words(studentText)) + " ";
        var leaks = new List<string>();
        foreach (string path in Repository.Notebooks.Where(InKit))
            foreach (var cell in NotebookFile.Read(path)["cells"]!.AsArray())
                foreach (Match answer in Regex.Matches(JupyterOutputs.Join(cell!["source"]), "<!-- BEGIN SOLUTION -->(.*?)<!-- END SOLUTION -->", RegexOptions.Singleline))
                {
                    var words = Words(answer.Groups[1].Value);
                    for (int i = 0; i + RunLength <= words.Count; i++)
                    {
                        string run = string.Join(" ", words.Skip(i).Take(RunLength));
                        if (student.Contains(" " + run + " ", StringComparison.Ordinal)) leaks.Add($"{Path.GetFileName(path)}: \"{run}\"");
                    }
                }
        Assert.True(leaks.Count == 0, "model answers stated in the student notebooks:\n" + string.Join("\n", leaks.Distinct()));
    }

    [Fact]
    public void The_leak_test_finds_an_answer_pasted_into_the_text()
    {
        // The check above can fail: an answer's sentence pasted into a text reads as a run of its words.
        const string answer = "A tanh output lies in (-1, 1) and flattens near the ends, so the network could never produce loud samples";
        var words = Words(answer);
        string pasted = " " + string.Join(" ", Words("Some text. " + answer[..60] + " and more.")) + " ";
        Assert.Contains(" " + string.Join(" ", words.Take(RunLength)) + " ", pasted);
    }

    private static bool InKit(string path) => Regex.IsMatch(Path.GetFileName(path), "^0[1-4]-");

    private static IEnumerable<string> StudentNotebooks() =>
        Directory.GetFiles(Path.Combine(Repository.NotebookFolder, "exercises"), "*.ipynb").Where(InKit);

    private static List<string> Words(string text) =>
        Regex.Matches(text.ToLowerInvariant(), @"[\w$\\']+").Select(m => m.Value).ToList();
}
