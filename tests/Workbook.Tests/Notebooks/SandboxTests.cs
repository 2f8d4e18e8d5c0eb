using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// The bubblewrap sandbox a graded notebook runs in (<see cref="NotebookSandbox"/>): each containment property is
/// checked on a real sandboxed process, a small shell command or a small notebook, and where it is cheap the same probe
/// is run unsandboxed first, to show that the probe would see the property broken.
/// </summary>
/// Not in the "Notebooks" collection: its fixture runs every notebook first.
public class SandboxTests
{
    private static void RequireSandbox()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the notebook sandbox is Linux's (bubblewrap)");
        var availability = NotebookSandbox.Availability();
        RequiredTool.Require(availability.Available, "bubblewrap is not installed", "bash scripts/install-prerequisites.sh (Debian/Ubuntu: apt-get install bubblewrap)");
    }

    private sealed record Run(int ExitCode, string Output, string Error, string Scratch, TimeSpan Elapsed)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
    }

    /// <summary>Runs <c>bash -c SCRIPT</c> in a sandbox whose scratch folder is fresh (SCRATCH in the script's environment).</summary>
    private static Run Sandboxed(string script, Func<SandboxOptions, SandboxOptions>? adjust = null, TimeSpan? timeout = null, bool sandbox = true)
    {
        string scratch = Directory.CreateTempSubdirectory("workbook-sandbox-test-").FullName;
        var options = new SandboxOptions(scratch) { ReadOnly = NotebookSandbox.BuildFolders(), Environment = new Dictionary<string, string> { ["SCRATCH"] = scratch } };
        if (adjust != null) options = adjust(options);
        NotebookSandbox.PrepareScratch(options);
        var start = new ProcessStartInfo("bash") { WorkingDirectory = scratch };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        if (sandbox) start = NotebookSandbox.Wrap(start, options);
        else start.Environment["SCRATCH"] = scratch;
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the sandboxed command ran past its time: {script}");
        }
        process.WaitForExit();
        return new Run(process.ExitCode, output.Result, error.Result, scratch, watch.Elapsed);
    }

    [SkippableFact]
    public void Bwrap_missing_is_said_plainly_with_the_install_command_and_the_way_around_it()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the notebook sandbox is Linux's (bubblewrap)");
        string empty = Directory.CreateTempSubdirectory("workbook-no-bwrap-").FullName;
        var missing = NotebookSandbox.Availability(searchPath: empty);
        Assert.False(missing.Available);
        Assert.Contains("apt-get install bubblewrap", missing.Problem);
        Assert.Contains("--unsafe-no-sandbox", missing.Problem);
        var options = new NotebookRunOptions(empty, TimeSpan.FromMinutes(1), NotebookHostProcess.For()) { Sandbox = new SandboxOptions("") { Force = true } };
        Directory.Delete(empty);
        if (!NotebookSandbox.Availability().Available)
        {
            var refused = Assert.ThrowsAsync<InvalidOperationException>(() => NotebookRunner.RunAsync(["x.ipynb"], options, TextWriter.Null)).Result;
            Assert.Contains("apt-get install bubblewrap", refused.Message);
        }
    }

    [SkippableFact]
    public void NuGet_in_the_sandbox_restores_from_the_packages_folder_alone_and_asks_no_server()
    {
        RequireSandbox();
        var run = Sandboxed("dotnet nuget list source", timeout: TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(NotebookSandbox.NuGetPackages(), run.Output);
        Assert.DoesNotContain("http", run.Output, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public void A_home_seed_is_copied_into_the_runs_home_and_what_the_run_writes_there_stays_with_the_run()
    {
        RequireSandbox();
        string seed = Directory.CreateTempSubdirectory("workbook-home-seed-").FullName;
        string cache = Directory.CreateDirectory(Path.Combine(seed, ".packagemanagement", "nuget", "Cache")).FullName;
        File.WriteAllText(Path.Combine(cache, "resolved.paths"), "seeded");

        var run = Sandboxed("cat \"$HOME/.packagemanagement/nuget/Cache/resolved.paths\"; echo changed > \"$HOME/.packagemanagement/nuget/Cache/resolved.paths\"",
            adjust: options => options with { HomeSeed = seed });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("seeded", run.Output.Trim());
        Assert.Equal("seeded", File.ReadAllText(Path.Combine(cache, "resolved.paths")));
        Directory.Delete(seed, recursive: true);
    }

    [SkippableFact]
    public void The_run_is_the_unprivileged_user_nobody_with_no_capabilities_and_cannot_read_root_only_files_it_sees()
    {
        RequireSandbox();
        string secrets = Directory.CreateTempSubdirectory("workbook-secrets-").FullName;
        string secret = Path.Combine(secrets, "secret.txt");
        File.WriteAllText(secret, "hunter2");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            string probe = $"id -u; id -g; grep CapEff /proc/self/status; cat {secret}; echo read=$?";
            var run = Sandboxed(probe, o => o with { ReadOnly = [.. o.ReadOnly, secrets] });
            Assert.StartsWith("65534\n65534\n", run.Output);
            Assert.Contains("CapEff:\t0000000000000000", run.Output);
            Assert.DoesNotContain("hunter2", run.Output);
            Assert.Contains("read=1", run.Output);
        }
        finally { Directory.Delete(secrets, recursive: true); }
    }

    [SkippableFact]
    public void The_network_is_unreachable_even_a_port_listening_on_this_machine()
    {
        RequireSandbox();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        string probe = $"(exec 3<>/dev/tcp/127.0.0.1/{port}) && echo connected-local; (exec 3<>/dev/tcp/1.1.1.1/53) && echo connected-internet; ls /sys/class/net 2>/dev/null; cat /proc/net/dev | tail -n +3 | cut -d: -f1";
        var control = Sandboxed(probe, sandbox: false);
        Assert.Contains("connected-local", control.Output);   // the probe sees a reachable port
        var run = Sandboxed(probe);
        Assert.DoesNotContain("connected", run.Output);
        Assert.Equal(["lo"], run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [SkippableFact]
    public void The_repository_and_other_files_are_not_visible_only_the_SDK_the_NuGet_cache_and_the_build_output()
    {
        RequireSandbox();
        string notebooks = Path.Combine(Repository.Root, "notebooks");
        string library = Path.Combine(Repository.Root, "src", "Workbook", "bin", Repository.Configuration, "net10.0", "Workbook.dll");
        string probe = $"for p in {notebooks} {Repository.Root}/Workbook.sln {Repository.Root}/src/Workbook/Notebook.cs /root/.bashrc /root/.ssh /home /etc/shadow /var; do test -e $p && echo visible $p; done; " +
                       $"test -f {library} && echo library; test -d {NotebookSandbox.NuGetPackages()} && echo nuget; ls {Repository.Root}";
        var control = Sandboxed(probe, sandbox: false);
        Assert.Contains($"visible {notebooks}", control.Output);
        var run = Sandboxed(probe);
        Assert.DoesNotContain("visible", run.Output);
        Assert.Contains("library", run.Output);
        Assert.Contains("nuget", run.Output);
        Assert.Equal("src", run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last().Trim());   // of the repository, only the way to src/*/bin
    }

    [SkippableFact]
    public void Writes_outside_the_scratch_folder_fail_and_the_scratch_folder_and_tmp_are_writable()
    {
        RequireSandbox();
        string library = Path.Combine(Repository.Root, "src", "Workbook", "bin");
        string probe = $"for p in {library}/planted {NotebookSandbox.NuGetPackages()}/planted /usr/planted /etc/planted /planted; do echo x > $p 2>/dev/null && echo wrote $p; done; " +
                       "echo x > $SCRATCH/ok && echo scratch-ok; echo x > /tmp/ok && echo tmp-ok";
        var run = Sandboxed(probe);
        Assert.DoesNotContain("wrote", run.Output);
        Assert.False(File.Exists(Path.Combine(library, "planted")));
        Assert.Contains("scratch-ok", run.Output);
        Assert.Contains("tmp-ok", run.Output);
        Assert.True(File.Exists(Path.Combine(run.Scratch, "ok")));
        Directory.Delete(run.Scratch, recursive: true);
    }

    private static bool Running(string marker) =>
        Directory.EnumerateDirectories("/proc").Any(d =>
        {
            try { return File.ReadAllText(Path.Combine(d, "cmdline")).Contains(marker, StringComparison.Ordinal); }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        });

    [SkippableFact]
    public void A_detached_background_process_ends_with_the_run()
    {
        RequireSandbox();
        string marker = $"6{Random.Shared.Next(10000, 99999)}.5";
        // setsid, its own session, its output detached, its parent gone: outside a pid namespace it outlives the run.
        string probe = $"setsid sleep {marker} </dev/null >/dev/null 2>&1 & sleep 0.3; echo started";
        var control = Sandboxed(probe, sandbox: false);
        Assert.Contains("started", control.Output);
        Assert.True(Running(marker), "the unsandboxed probe should leave its sleep running");
        foreach (var p in Process.GetProcessesByName("sleep")) { try { if (File.ReadAllText($"/proc/{p.Id}/cmdline").Contains(marker)) p.Kill(); } catch (IOException) { } }

        string marker2 = marker.Replace(".5", ".25");
        var run = Sandboxed(probe.Replace(marker, marker2));
        Assert.Contains("started", run.Output);
        for (int i = 0; i < 20 && Running(marker2); i++) Thread.Sleep(100);
        Assert.False(Running(marker2), "a process started in the sandbox outlived it");
    }

    [SkippableFact]
    public void Killing_the_sandbox_at_the_time_limit_ends_every_process_in_it()
    {
        RequireSandbox();
        string marker = $"7{Random.Shared.Next(10000, 99999)}.5";
        string scratch = Directory.CreateTempSubdirectory("workbook-sandbox-test-").FullName;
        var options = new SandboxOptions(scratch) { ReadOnly = NotebookSandbox.BuildFolders() };
        NotebookSandbox.PrepareScratch(options);
        var start = new ProcessStartInfo("bash");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"setsid sleep {marker} </dev/null >/dev/null 2>&1 & sleep {marker}");
        using var process = Process.Start(NotebookSandbox.Wrap(start, options))!;
        for (int i = 0; i < 50 && !Running(marker); i++) Thread.Sleep(100);
        Assert.True(Running(marker));
        // As the runner's wall-time kill does: bwrap and what it started. (Killing bwrap alone did not always end the
        // namespace's first process here, which then kept the sandbox's processes alive: the runner never relies on it.)
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
        for (int i = 0; i < 20 && Running(marker); i++) Thread.Sleep(100);
        Assert.False(Running(marker), "a process in the sandbox outlived the killed sandbox");
        Directory.Delete(scratch, recursive: true);
    }

    [SkippableFact]
    public void A_fork_bomb_is_held_at_the_process_limit()
    {
        RequireSandbox();
        // Starts 300 sleeping children; with a limit of 100 processes (of the sandbox's user), the shell cannot fork past it
        // and gives up. Pids in the run's own pid namespace count up from 1: the last one tells how many processes started.
        string probe = "sh -c 'for i in $(seq 300); do sleep 2 & done' 2>/dev/null; echo bomb-exit=$?; sleep 2.5; cat /proc/sys/kernel/ns_last_pid";
        var run = Sandboxed(probe, o => o with { Processes = 100 });
        Assert.DoesNotContain("bomb-exit=0", run.Output);
        int started = int.Parse(run.Output.Trim().Split('\n').Last());
        Assert.InRange(started, 1, 120);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(25), run.ToString());
    }

    [SkippableFact]
    public void A_huge_allocation_fails_inside_at_the_memory_limit()
    {
        RequireSandbox();
        Skip.IfNot(File.Exists("/usr/bin/python3"), "python3 (Debian's, installed with Jupyter) allocates the memory");
        string probe = "/usr/bin/python3 -c 'b = bytearray(1 << 30); print(\"allocated\", len(b))'; echo exit=$?";
        var control = Sandboxed(probe, sandbox: false);
        Assert.Contains("allocated", control.Output);
        var run = Sandboxed(probe, o => o with { MemoryBytes = 256L << 20 });
        Assert.DoesNotContain("allocated", run.Output);
        Assert.Contains("MemoryError", run.Error);
    }

    [SkippableFact]
    public void A_file_larger_than_the_file_size_limit_cannot_be_written()
    {
        RequireSandbox();
        var run = Sandboxed("head -c 20000000 /dev/zero > $SCRATCH/big; echo exit=$?", o => o with { FileSizeBytes = 1 << 20 });
        Assert.DoesNotContain("exit=0", run.Output);
        Assert.True(new FileInfo(Path.Combine(run.Scratch, "big")).Length <= 1 << 20);
        Directory.Delete(run.Scratch, recursive: true);
    }

    [SkippableFact]
    public async Task The_runner_keeps_a_bounded_part_of_a_runs_huge_output_and_refuses_a_huge_executed_notebook()
    {
        RequireSandbox();
        string folder = Directory.CreateTempSubdirectory("workbook-sandbox-out-").FullName;
        try
        {
            string notebook = Path.Combine(folder, "noisy.ipynb");
            File.WriteAllText(notebook, """{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""");
            // The child writes 50 MB to stdout and a 3 MB "executed notebook" into its scratch folder.
            ProcessStartInfo Child(string nb, string executed, string outcome)
            {
                var start = new ProcessStartInfo("bash");
                start.ArgumentList.Add("-c");
                start.ArgumentList.Add($"head -c 50000000 /dev/zero | tr '\\0' x; head -c 3000000 /dev/zero > {executed}; echo '{{\"CellsRun\":0}}' > {outcome}");
                return start;
            }
            var options = new NotebookRunOptions(Path.Combine(folder, "out"), TimeSpan.FromSeconds(25), Child)
            {
                Sandbox = new SandboxOptions("") { ReadOnly = NotebookSandbox.BuildFolders() }, MaxOutputChars = 10_000, MaxExecutedBytes = 1 << 20,
            };
            var report = (await NotebookRunner.RunAsync([notebook], options, TextWriter.Null)).Single();
            string log = File.ReadAllText(Path.Combine(folder, "out", "noisy.log"));
            Assert.InRange(log.Length, 10_000, 12_000);
            Assert.Contains("stdout: 49990000 more characters not kept", log);
            Assert.False(report.Succeeded);
            Assert.False(report.TimedOut);
            Assert.Contains("noisy.ipynb written by the run is 3000000 bytes", report.Status);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [SkippableFact]
    public async Task A_notebook_runs_in_the_sandbox_restores_nuget_offline_and_sees_neither_network_nor_repository()
    {
        RequireSandbox();
        string folder = Directory.CreateTempSubdirectory("workbook-sandbox-nb-").FullName;
        string marker = $"8{Random.Shared.Next(10000, 99999)}.5";
        try
        {
            string library = Path.Combine(Repository.Root, "src", "Workbook", "bin", Repository.Configuration, "net10.0", "Workbook.dll");
            string notebook = Path.Combine(folder, "probe.ipynb");
            string[] cells =
            [
                $"#r \"nuget: NWaves, 0.9.6\"\n#r \"{library}\"\nConsole.WriteLine(typeof(NWaves.Signals.DiscreteSignal).Assembly.GetName().Name + \" \" + typeof(Workbook.Notebook).Assembly.Location);",
                $"Console.WriteLine(\"user \" + Environment.UserName + \" repo \" + System.IO.Directory.Exists(\"{Repository.Root}/notebooks\"));",
                "try { using var c = new System.Net.Sockets.TcpClient(); c.Connect(\"1.1.1.1\", 53); Console.WriteLine(\"network reached\"); } catch (Exception e) { Console.WriteLine(\"no network: \" + e.GetType().Name); }",
                $"try {{ System.IO.File.WriteAllText(\"{Repository.Root}/src/Workbook/bin/planted\", \"x\"); Console.WriteLine(\"wrote\"); }} catch (Exception e) {{ Console.WriteLine(\"write refused: \" + e.GetType().Name); }}",
                $"System.Diagnostics.Process.Start(\"setsid\", \"sleep {marker}\"); Console.WriteLine(\"started\");",
            ];
            var document = new JsonObject
            {
                ["cells"] = new JsonArray(cells.Select(c => (JsonNode)new JsonObject
                {
                    ["cell_type"] = "code", ["execution_count"] = null, ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(), ["source"] = JupyterOutputs.Lines(c),
                }).ToArray()),
                ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = ".net-csharp", ["language"] = "C#", ["display_name"] = ".NET (C#)" } },
                ["nbformat"] = 4, ["nbformat_minor"] = 5,
            };
            File.WriteAllText(notebook, document.ToJsonString());
            var options = new NotebookRunOptions(Path.Combine(folder, "out"), TimeSpan.FromMinutes(2), NotebookHostProcess.For(continueAfterError: true))
            {
                Sandbox = new SandboxOptions("") { ReadOnly = NotebookSandbox.BuildFolders() },
            };
            var report = (await NotebookRunner.RunAsync([notebook], options, TextWriter.Null)).Single();
            string log = File.ReadAllText(Path.Combine(folder, "out", "probe.log"));
            Assert.True(report.Succeeded, report.Status + "\n" + log);
            var executed = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "out", "probe.ipynb")))!["cells"]!.AsArray();
            string Shown(int cell) => string.Concat(executed[cell]!["outputs"]!.AsArray().Select(o => JupyterOutputs.Join(o!["text"])));
            Assert.Contains($"NWaves {library}", Shown(0));
            Assert.Contains("user nobody repo False", Shown(1));
            Assert.Contains("no network: SocketException", Shown(2));
            Assert.Contains("write refused", Shown(3));
            Assert.Contains("started", Shown(4));
            Assert.False(Running(marker), "a process the notebook started outlived the run");
            Assert.False(File.Exists(Path.Combine(Repository.Root, "src", "Workbook", "bin", "planted")));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
