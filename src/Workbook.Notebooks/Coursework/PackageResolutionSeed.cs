using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Workbook.Notebooks.Coursework;

/// <summary>
/// What the setup cell's <c>#r "nuget: …"</c> lines resolved, kept for the sandboxed runs. .NET Interactive remembers a
/// resolution under <c>~/.packagemanagement/nuget/Cache</c> and skips the restore when it finds one there; a sandboxed
/// run starts with an empty HOME, so without a seed every graded notebook restores its packages again, which is most of
/// its run time. The grader runs the instructor's setup cell alone in the sandbox once, keeps what that run resolved
/// (in the instructor's own application-data folder, keyed by the setup cell, the runtime and the packages folder),
/// and copies it into the HOME of every later run. The seed comes only from that run of the instructor's cell, never
/// from a student's run: whatever a student's code writes into its HOME goes with its scratch folder.
/// </summary>
public static class PackageResolutionSeed
{
    private const string CacheFolder = ".packagemanagement/nuget/Cache";

    /// <summary>
    /// The options with <see cref="SandboxOptions.HomeSeed"/> set: a kept seed when it is still good (every file it
    /// names is there), else the seed of a fresh run of the setup cell. Unchanged without a sandbox (runs then use the
    /// instructor's own HOME and its cache) or when the setup cell resolved nothing (a stand-in host).
    /// </summary>
    public static async Task<GradingOptions> Seeded(GradingOptions options, IReadOnlyList<CourseNotebook> course, TextWriter? log = null)
    {
        if (options.Sandbox == null || course.Count == 0) return options;
        var setup = SetupCellOf(course[0]);
        if (setup == null) return options;
        string seed = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
            "workbook", "grading-packages", Key(setup));
        if (!IsGood(seed))
        {
            var watch = Stopwatch.StartNew();
            if (!await Resolve(setup, options, seed)) return options;
            log?.WriteLine($"resolved the setup cell's packages for the sandboxed runs in {watch.Elapsed.TotalSeconds:F0} s (kept in {seed})");
        }
        return options with { Sandbox = options.Sandbox with { HomeSeed = seed } };
    }

    /// <summary>A notebook of the course's first code cell (the setup cell), with its library path made absolute.</summary>
    private static JsonObject? SetupCellOf(CourseNotebook notebook)
    {
        var first = notebook.Instructor["cells"]?.AsArray().FirstOrDefault(c => (string?)c?["cell_type"] == "code");
        if (first == null) return null;
        var cell = first.DeepClone().AsObject();
        cell["outputs"] = new JsonArray();
        cell["execution_count"] = null;
        var single = new JsonObject
        {
            ["cells"] = new JsonArray(cell),
            ["metadata"] = notebook.Instructor["metadata"]?.DeepClone() ?? new JsonObject(),
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        return SetupCell.Relocate(single, System.IO.Path.GetDirectoryName(notebook.Path)!, toFolder: null);
    }

    private static string Key(JsonObject setup)
    {
        string what = JupyterOutputs.Join(setup["cells"]![0]!["source"]) + "\n" + RuntimeInformation.FrameworkDescription + "\n" + NotebookSandbox.NuGetPackages();
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(what)))[..16].ToLowerInvariant();
    }

    /// <summary>A seed with at least one resolution, every assembly it names still in the packages folder.</summary>
    private static bool IsGood(string seed)
    {
        string cache = Path.Combine(seed, CacheFolder);
        if (!Directory.Exists(cache)) return false;
        var resolutions = Directory.GetFiles(cache, "*.resolvedReferences.paths");
        // Each line: package, version, package folder, assembly, kind, …
        return resolutions.Length > 0 && resolutions.SelectMany(File.ReadLines)
            .Select(line => line.Split(','))
            .Where(fields => fields.Length > 3 && fields[3].Length > 0)
            .All(fields => File.Exists(fields[3]));
    }

    /// <summary>Runs the setup cell alone in the sandbox and keeps its resolutions as the seed; false when it left none.</summary>
    private static async Task<bool> Resolve(JsonObject setup, GradingOptions options, string seed)
    {
        string scratch = Directory.CreateTempSubdirectory("workbook-setup-").FullName;
        try
        {
            var sandbox = options.Sandbox! with { Scratch = scratch, HomeSeed = null };
            string notebook = Path.Combine(scratch, "setup.ipynb");
            NotebookFile.Write(notebook, setup);
            NotebookSandbox.PrepareScratch(sandbox);
            var start = NotebookSandbox.Wrap(options.ChildProcess(notebook, Path.Combine(scratch, "executed.ipynb"), Path.Combine(scratch, "outcome.json")), sandbox);
            start.RedirectStandardOutput = start.RedirectStandardError = true;
            start.UseShellExecute = false;
            using var process = await NotebookRunner.StartOnAThreadOfItsOwn(start);
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using (var timeout = new CancellationTokenSource(options.Timeout))
            {
                try { await process.WaitForExitAsync(timeout.Token); }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
            await Task.WhenAll(output, error);
            string resolved = Path.Combine(scratch, "home", CacheFolder);
            // Only the resolution files, read as regular files (the run was the instructor's cell, but it ran as the sandbox user).
            var files = Directory.Exists(resolved)
                ? Directory.GetFiles(resolved).Where(f => File.ResolveLinkTarget(f, false) == null && new FileInfo(f).Length < (4 << 20)).ToList()
                : new List<string>();
            if (files.Count == 0) return false;
            string staging = seed + ".new-" + Guid.NewGuid().ToString("N")[..8];
            Directory.CreateDirectory(Path.Combine(staging, CacheFolder));
            foreach (string file in files) File.Copy(file, Path.Combine(staging, CacheFolder, Path.GetFileName(file)));
            if (IsGood(seed))   // another grader kept one meanwhile, which runs may be copying from now
            {
                Directory.Delete(staging, recursive: true);
                return true;
            }
            if (Directory.Exists(seed)) Directory.Delete(seed, recursive: true);   // a stale one
            try { Directory.Move(staging, seed); }
            catch (IOException) when (IsGood(seed)) { Directory.Delete(staging, recursive: true); }   // another grader kept one first
            return IsGood(seed);
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
