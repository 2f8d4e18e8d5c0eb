using System.Diagnostics;
using System.Globalization;

namespace Workbook.Notebooks;

/// <summary>What a sandboxed run may see and use.</summary>
/// <param name="Scratch">the run's private folder: the only writable place it sees (besides its own empty /tmp), and
/// its HOME. It holds the copy of the notebook; <see cref="NotebookSandbox.PrepareScratch"/> makes it the sandbox
/// user's.</param>
public sealed record SandboxOptions(string Scratch)
{
    /// <summary>Folders the run sees read-only at their own paths, beyond the .NET SDK and the NuGet packages folder
    /// (which <see cref="NotebookSandbox.Wrap"/> finds itself): the notebook host's and the library's build folders.</summary>
    public IReadOnlyList<string> ReadOnly { get; init; } = [];

    /// <summary>RLIMIT_DATA: the run's private writable memory (heap, mmap'd data), default 6 GiB. Not RLIMIT_AS: .NET
    /// reserves far more address space than it uses and fails to start under an address-space limit.</summary>
    public long MemoryBytes { get; init; } = 6L << 30;

    /// <summary>RLIMIT_NPROC: processes and threads of the sandbox user (a .NET process has dozens of threads).</summary>
    public int Processes { get; init; } = 1024;

    /// <summary>RLIMIT_FSIZE: the largest file the run may write (the executed notebook is one).</summary>
    public long FileSizeBytes { get; init; } = 256L << 20;

    /// <summary>Size of the run's own /tmp (a tmpfs: memory).</summary>
    public long TmpBytes { get; init; } = 256L << 20;

    /// <summary>The sandbox's user and group inside, and (when the caller is root) outside: nobody.</summary>
    public int User { get; init; } = 65534;

    /// <summary>Environment variables the run gets, beyond HOME, PATH, TMPDIR, NUGET_PACKAGES and the .NET CLI's quiet
    /// settings. Nothing else of the caller's environment is passed on (no tokens, no proxies).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>A folder whose contents are copied into the run's HOME before it starts (null: none). Only ever what a
    /// trusted run left there (<see cref="Coursework.PackageResolutionSeed"/>): a student's run may write anything into
    /// its HOME, and a seed reaches every later run.</summary>
    public string? HomeSeed { get; init; }

    /// <summary>Sandbox even where bubblewrap is not the platform's (off: <see cref="NotebookSandbox.Availability"/>
    /// reports that only Linux has a sandbox).</summary>
    public bool Force { get; init; }
}

/// <summary>Whether notebook runs can be sandboxed here, and if not, what to say.</summary>
/// <param name="Problem">null when available; else one sentence for the user that says how to install it or how to
/// go without (<c>--unsafe-no-sandbox</c>)</param>
public sealed record SandboxAvailability(bool Available, string? Bwrap, string? Problem);

/// <summary>
/// Runs a notebook's process in a bubblewrap (<c>bwrap</c>) sandbox on Linux: no network, its own process, IPC and
/// host-name namespaces (every process it starts ends with it), a new session (no terminal), an unprivileged user
/// (nobody), an empty root that shows read-only only /usr (with the .NET SDK if it lives there), a few files of /etc,
/// the .NET SDK, the NuGet packages folder and the given build folders, a private writable scratch folder (its HOME) and
/// its own small /tmp, and limits on data memory, processes, file size (set by <c>prlimit</c> inside). The wall time is
/// the caller's to enforce (killing bwrap ends everything in it).
/// </summary>
/// <remarks>
/// Run as root (as on the lab's graders), bwrap gets no user namespace: it builds the mount tree with root's
/// capabilities, keeps only CAP_SETUID/CAP_SETGID, and <c>setpriv</c> then drops to the real host user nobody with no
/// capabilities, so the notebook cannot read what only root may read even where it can see it. Run as another user,
/// bwrap maps that user to nobody in a user namespace of its own. .NET's <c>#r "nuget:"</c> restores offline from the
/// read-only packages folder (a package that is not there fails to restore: there is no network); it needs a HOME that
/// exists (else .NET reports no home folder and the restore fails without a message), writable, with its own
/// NuGet.Config, which it writes there.
/// </remarks>
public static class NotebookSandbox
{
    /// <summary>What to say when bwrap is missing on Linux.</summary>
    public const string MissingMessage =
        "grading runs each notebook in a bubblewrap sandbox: install it with `apt-get install bubblewrap` " +
        "(or `bash scripts/install-prerequisites.sh`), or pass --unsafe-no-sandbox to grade without one (only for code you trust)";

    /// <summary>What to say on macOS and Windows.</summary>
    public const string UnsupportedMessage =
        "grading sandboxes notebooks only on Linux (bubblewrap); on macOS and Windows a notebook would run with your rights, " +
        "network and files: pass --unsafe-no-sandbox to grade without a sandbox (only for code you trust)";

    /// <summary>Whether <see cref="Wrap"/> can work here: Linux (or <paramref name="force"/>) with bwrap, setpriv and prlimit on PATH.</summary>
    /// <param name="searchPath">folders to look for them in, separated as PATH is (null: PATH, then /usr/bin and /bin)</param>
    public static SandboxAvailability Availability(bool force = false, string? searchPath = null)
    {
        if (!OperatingSystem.IsLinux() && !force) return new(false, null, UnsupportedMessage);
        string? bwrap = FindProgram("bwrap", searchPath);
        if (bwrap == null) return new(false, null, MissingMessage);
        foreach (string tool in new[] { "setpriv", "prlimit" })
            if (FindProgram(tool, searchPath) == null)
                return new(false, bwrap, $"the notebook sandbox needs `{tool}` (Debian package util-linux): install it, or pass --unsafe-no-sandbox to grade without a sandbox (only for code you trust)");
        return new(true, bwrap, null);
    }

    /// <summary>Creates the scratch folder and its HOME, and gives both to the sandbox user (when the caller is root).</summary>
    public static void PrepareScratch(SandboxOptions options)
    {
        Directory.CreateDirectory(Path.Combine(options.Scratch, "home"));
        WriteOfflineNuGetConfig(Path.Combine(options.Scratch, "home"));
        if (options.HomeSeed != null && Directory.Exists(options.HomeSeed)) CopyFolder(options.HomeSeed, Path.Combine(options.Scratch, "home"));
        if (!System.Environment.IsPrivilegedProcess || OperatingSystem.IsWindows()) return;
        foreach (string path in Directory.EnumerateFileSystemEntries(options.Scratch, "*", SearchOption.AllDirectories).Prepend(options.Scratch))
            Chown(path, options.User);
    }

    /// <summary>
    /// A start that runs <paramref name="start"/>'s program and arguments in the sandbox, in its working directory if
    /// that is inside the scratch folder (else in the scratch folder). The program is looked up on PATH outside.
    /// Redirections and other settings of <paramref name="start"/> are kept; its environment is not (see
    /// <see cref="SandboxOptions.Environment"/>), except <c>WORKBOOK_*</c> variables it sets.
    /// </summary>
    /// <exception cref="InvalidOperationException">no sandbox here; the message is <see cref="SandboxAvailability.Problem"/></exception>
    public static ProcessStartInfo Wrap(ProcessStartInfo start, SandboxOptions options)
    {
        var availability = Availability(options.Force);
        if (!availability.Available) throw new InvalidOperationException(availability.Problem);
        string scratch = Path.GetFullPath(options.Scratch);
        string program = Resolve(start.FileName);
        string dotnetRoot = Path.GetDirectoryName(Resolve(DotnetHost()))!;

        // Read-only binds at their own paths: the SDK, the NuGet packages, the given folders; one inside another is dropped.
        var readOnly = new List<string> { dotnetRoot, NuGetPackages() };
        readOnly.AddRange(options.ReadOnly.Select(Path.GetFullPath));
        if (!IsUnder(program, "/usr") && !readOnly.Any(r => IsUnder(program, r))) readOnly.Add(Path.GetDirectoryName(program)!);
        readOnly = readOnly.Select(p => p.TrimEnd('/')).Where(Directory.Exists).Distinct().ToList();
        readOnly = readOnly.Where(p => !IsUnder(p, "/usr") && !readOnly.Any(o => o != p && IsUnder(p, o))).OrderBy(p => p, StringComparer.Ordinal).ToList();

        bool root = System.Environment.IsPrivilegedProcess;
        var a = new List<string>
        {
            "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--clearenv",
        };
        string user = options.User.ToString(CultureInfo.InvariantCulture);
        if (root) a.AddRange(["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]);
        else a.AddRange(["--unshare-user", "--uid", user, "--gid", user]);
        a.AddRange(["--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
            "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin"]);
        a.AddRange(["--perms", "0755", "--dir", "/etc"]);
        foreach (string file in new[] { "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/ld.so.cache", "/etc/localtime" })
            a.AddRange(["--ro-bind-try", file, file]);
        a.AddRange(["--proc", "/proc", "--dev", "/dev",
            "--size", options.TmpBytes.ToString(CultureInfo.InvariantCulture), "--perms", "1777", "--tmpfs", "/tmp"]);
        // bwrap makes a bind's missing parent folders private to root (0700): nobody could not reach the bind. Make them first.
        var parents = readOnly.Append(scratch).SelectMany(Ancestors).Where(p => p != "/tmp" && !readOnly.Any(r => IsUnder(p, r)))
            .Distinct().OrderBy(p => p.Count(c => c == '/')).ThenBy(p => p, StringComparer.Ordinal);
        foreach (string parent in parents) a.AddRange(["--perms", "0755", "--dir", parent]);
        foreach (string path in readOnly) a.AddRange(["--ro-bind", path, path]);
        a.AddRange(["--bind", scratch, scratch]);
        string workingDirectory = start.WorkingDirectory is { Length: > 0 } wd && IsUnder(Path.GetFullPath(wd), scratch) ? Path.GetFullPath(wd) : scratch;
        a.AddRange(["--chdir", workingDirectory]);

        var environment = new Dictionary<string, string>
        {
            ["HOME"] = Path.Combine(scratch, "home"), ["PATH"] = "/usr/local/bin:/usr/bin:/bin", ["TMPDIR"] = "/tmp",
            ["NUGET_PACKAGES"] = NuGetPackages(), ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1", ["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "true",
            ["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false", ["LANG"] = "C.UTF-8",
        };
        foreach (var (key, value) in start.Environment)
            if (key.StartsWith("WORKBOOK_", StringComparison.Ordinal) && value != null) environment[key] = value;
        foreach (var (key, value) in options.Environment) environment[key] = value;
        foreach (var (key, value) in environment) a.AddRange(["--setenv", key, value]);

        a.Add("--");
        if (root) a.AddRange([FindProgram("setpriv")!, "--reuid", user, "--regid", user, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--"]);
        a.AddRange([FindProgram("prlimit")!,
            $"--data={options.MemoryBytes.ToString(CultureInfo.InvariantCulture)}",
            $"--nproc={options.Processes.ToString(CultureInfo.InvariantCulture)}",
            $"--fsize={options.FileSizeBytes.ToString(CultureInfo.InvariantCulture)}",
            "--core=0", "--", program]);
        a.AddRange(start.ArgumentList);

        var wrapped = new ProcessStartInfo(availability.Bwrap!)
        {
            RedirectStandardInput = start.RedirectStandardInput, RedirectStandardOutput = start.RedirectStandardOutput,
            RedirectStandardError = start.RedirectStandardError, UseShellExecute = false, WorkingDirectory = "/",
        };
        foreach (string word in a) wrapped.ArgumentList.Add(word);
        return wrapped;
    }

    /// <summary>The command line of a start, for messages and logs (words with spaces quoted).</summary>
    public static string CommandLine(ProcessStartInfo start) =>
        string.Join(' ', start.ArgumentList.Prepend(start.FileName).Select(w => w.Contains(' ') || w.Length == 0 ? $"'{w}'" : w));

    private static void CopyFolder(string from, string to)
    {
        foreach (string folder in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, folder)));
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
    }

    /// <summary>
    /// The sandbox has no network, so the setup cell's <c>#r "nuget: …"</c> restore is told so: the packages folder is
    /// its one source and nothing is asked of a server (a restore that tries the configured feeds first waits for each
    /// to fail, several seconds per notebook run).
    /// </summary>
    private static void WriteOfflineNuGetConfig(string home)
    {
        string folder = Path.Combine(home, ".nuget", "NuGet");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "NuGet.Config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packages-folder" value="{System.Security.SecurityElement.Escape(NuGetPackages())}" />
              </packageSources>
            </configuration>
            """);
    }

    /// <summary>The NuGet packages folder the caller's restores use: NUGET_PACKAGES, else ~/.nuget/packages.</summary>
    public static string NuGetPackages() =>
        System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } named ? Path.GetFullPath(named)
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>The build output the notebook host runs from and the library's build folders (<c>src/Workbook/bin</c>).</summary>
    public static IReadOnlyList<string> BuildFolders()
    {
        string host = Path.GetDirectoryName(NotebookHostProcess.Locate())!;
        // …/src/Workbook.NotebookHost/bin/Release/net10.0 → …/src/Workbook/bin
        string src = Path.GetFullPath(Path.Combine(host, "..", "..", "..", ".."));
        return [host, Path.Combine(src, "Workbook", "bin")];
    }

    /// <summary>The running dotnet host: this process's own when it is dotnet, else DOTNET_HOST_PATH, else the one on PATH.</summary>
    private static string DotnetHost()
    {
        if (System.Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        if (System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)) return hostPath;
        return FindProgram("dotnet") ?? throw new InvalidOperationException("the notebook sandbox cannot find the dotnet host (not on PATH)");
    }

    private static string Resolve(string program)
    {
        string path = program.Contains('/') ? Path.GetFullPath(program)
            : FindProgram(program) ?? throw new InvalidOperationException($"the notebook sandbox cannot find `{program}` on PATH");
        return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
    }

    private static string? FindProgram(string name, string? searchPath = null) =>
        (searchPath ?? (System.Environment.GetEnvironmentVariable("PATH") ?? "") + Path.PathSeparator + "/usr/bin" + Path.PathSeparator + "/bin")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(f => Path.Combine(f, name)).FirstOrDefault(File.Exists);

    private static bool IsUnder(string path, string folder) =>
        path == folder || path.StartsWith(folder.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static IEnumerable<string> Ancestors(string path)
    {
        for (string? p = Path.GetDirectoryName(path); p != null && p != "/"; p = Path.GetDirectoryName(p)) yield return p;
    }

    private static void Chown(string path, int user)
    {
        if (chown(path, user, user) != 0)
            throw new IOException($"could not give {path} to the sandbox user {user} (chown: error {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int chown([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int owner, int group);
}
