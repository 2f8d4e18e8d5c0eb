using System.Text.Json.Nodes;
using Workbook.Notebooks;
using Workbook.Notebooks.Coursework;
using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Coursework;

/// <summary>
/// Student code against the sandbox, at the level of the class run: its notebook "runs" in <see cref="ShellKernel"/>
/// inside the bubblewrap sandbox, and its cell is a shell script that tries what a hostile notebook would. Without the
/// sandbox every one of these attacks succeeds (<see cref="Without_the_sandbox_the_same_attack_succeeds"/>).
/// </summary>
public sealed class SandboxedGradingTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("workbook-sandboxed-").FullName;

    private string Output => Path.Combine(folder, "grades");

    public void Dispose()
    {
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static SandboxOptions Sandbox()
    {
        var availability = NotebookSandbox.Availability();
        RequiredTool.Require(availability.Available, "no notebook sandbox here", availability.Problem ?? "");
        return new SandboxOptions(Path.GetTempPath()) { ReadOnly = NotebookSandbox.BuildFolders() };
    }

    /// <summary>A class of two: the attacker and a classmate whose notebook the attacker goes after.</summary>
    private (string Attacker, string Classmate, string ClassmateNotebook, string Probe) Class(Func<string, string, string> script)
    {
        var (name01, instructor01) = ShellKernel.Notebook01();
        string classmate = Directory.CreateDirectory(Path.Combine(folder, "class", "classmate")).FullName;
        string classmateNotebook = Path.Combine(classmate, name01);
        NotebookFile.Write(classmateNotebook, instructor01);
        string probe = Path.Combine(Repository.NotebookFolder, $"probe-{Guid.NewGuid():N}.txt");
        string attacker = Directory.CreateDirectory(Path.Combine(folder, "class", "attacker")).FullName;
        NotebookFile.Write(Path.Combine(attacker, name01), ShellKernel.WithShellCell(script(classmateNotebook, probe)));
        return (attacker, classmate, classmateNotebook, probe);
    }

    private static string Attack(string classmateNotebook, string probe, string output) => $"""
        echo forged > '{probe}'
        echo '{"{"}"cells": []{"}"}' > '{classmateNotebook}'
        rm -f '{classmateNotebook}'
        setsid sh -c 'sleep 4; echo forged > "{output}/grades.json"; echo forged > "{output}/grades.csv"' > /dev/null 2>&1 < /dev/null &
        setsid sleep 300 &
        exit 0
        """;

    private IReadOnlyList<SubmissionGrade> Grade(IReadOnlyList<string> submissions, SandboxOptions? sandbox) =>
        ClassRun.GradeAsync(submissions, new ShellKernel().Options(Output, Directory.CreateDirectory(Path.Combine(folder, "work")).FullName) with { Sandbox = sandbox },
            jobs: 2, TextWriter.Null).GetAwaiter().GetResult();

    [SkippableFact]
    public void A_submission_cannot_touch_the_repository_a_classmate_or_the_grades_even_after_grade_ends()
    {
        var sandbox = Sandbox();
        var (attacker, classmate, classmateNotebook, probe) = Class((mate, p) => Attack(mate, p, Output));
        string before = File.ReadAllText(classmateNotebook);
        try
        {
            var grades = Grade([attacker, classmate], sandbox);
            string json = File.ReadAllText(Path.Combine(Output, "grades.json"));
            Thread.Sleep(TimeSpan.FromSeconds(8));   // the detached forger would have struck by now

            Assert.False(File.Exists(probe), "the sandbox let student code write into notebooks/");
            Assert.Equal(before, File.ReadAllText(classmateNotebook));
            Assert.Equal(json, File.ReadAllText(Path.Combine(Output, "grades.json")));
            Assert.DoesNotContain("forged", File.ReadAllText(Path.Combine(Output, "grades.csv")));
            Assert.Equal(2, grades.Count);
            // Both notebooks ran in the sandbox (a kernel that did not start would leave them "crashed"); the classmate's as submitted.
            Assert.All(grades, g => Assert.Equal(GradeStatus.Failed, g.Exercises.Single(e => e.Exercise == "1.1").Status));
        }
        finally { File.Delete(probe); }
    }

    [SkippableFact]
    public void Without_the_sandbox_the_same_attack_succeeds()
    {
        Sandbox();   // the same conditions: only where the sandbox test runs
        var (attacker, _, classmateNotebook, probe) = Class((mate, p) => Attack(mate, p, Output).Replace("setsid sleep 300 &\n", "", StringComparison.Ordinal));
        try
        {
            Grade([attacker], sandbox: null);
            Assert.True(File.Exists(probe));
            Assert.False(File.Exists(classmateNotebook));
        }
        finally { File.Delete(probe); }
    }
}
