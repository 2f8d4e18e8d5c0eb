using System.Text.Json.Nodes;
using Workbook.Notebooks;
using Workbook.Notebooks.Coursework;
using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Coursework;

/// <summary>
/// The grader resolves the setup cell's packages once, in the sandbox, from the instructor's cell, and seeds every
/// sandboxed run's HOME with that resolution, so that no graded notebook restores its packages again.
/// </summary>
public sealed class PackageResolutionSeedTests
{
    [SkippableFact]
    public async Task The_setup_cell_is_resolved_once_in_the_sandbox_and_the_resolution_is_reused()
    {
        var availability = NotebookSandbox.Availability();
        RequiredTool.Require(availability.Available, "no notebook sandbox here", availability.Problem ?? "");
        // A setup cell of its own (one comment more), so this test resolves afresh and leaves other runs' seed alone.
        var course = Grader.Course(Repository.NotebookFolder);
        var instructor = course[0].Instructor.DeepClone().AsObject();
        var setup = instructor["cells"]!.AsArray().First(c => (string?)c!["cell_type"] == "code")!.AsObject();
        setup["source"] = JupyterOutputs.Lines($"// seed test {Guid.NewGuid():N}\n" + JupyterOutputs.Join(setup["source"]));
        var ownCourse = new[] { course[0] with { Instructor = instructor } };
        var options = new GradingOptions(Repository.NotebookFolder, Path.GetTempPath(), TimeSpan.FromMinutes(5), NotebookHostProcess.For(continueAfterError: true))
        {
            Sandbox = new SandboxOptions(Path.GetTempPath()) { ReadOnly = NotebookSandbox.BuildFolders() },
        };
        string? seed = null;
        try
        {
            var first = new StringWriter();
            var seeded = await PackageResolutionSeed.Seeded(options, ownCourse, first);
            seed = seeded.Sandbox!.HomeSeed;

            Assert.NotNull(seed);
            Assert.Contains("resolved the setup cell's packages", first.ToString());
            var resolutions = Directory.GetFiles(Path.Combine(seed!, ".packagemanagement", "nuget", "Cache"), "*.resolvedReferences.paths");
            var torchSharp = Assert.Single(resolutions.SelectMany(File.ReadLines).Select(l => l.Split(',')[3]), p => p.EndsWith("/TorchSharp.dll", StringComparison.Ordinal));
            Assert.StartsWith(NotebookSandbox.NuGetPackages(), torchSharp);

            var second = new StringWriter();
            var again = await PackageResolutionSeed.Seeded(options, ownCourse, second);
            Assert.Equal(seed, again.Sandbox!.HomeSeed);
            Assert.Equal("", second.ToString());   // kept, not resolved again
        }
        finally
        {
            if (seed != null && Directory.Exists(seed)) Directory.Delete(seed, recursive: true);
        }
    }

    [Fact]
    public async Task Without_a_sandbox_nothing_is_seeded()
    {
        var options = new GradingOptions(Repository.NotebookFolder, Path.GetTempPath(), TimeSpan.FromMinutes(5), NotebookHostProcess.For());

        var seeded = await PackageResolutionSeed.Seeded(options, Grader.Course(Repository.NotebookFolder));

        Assert.Same(options, seeded);
    }
}
