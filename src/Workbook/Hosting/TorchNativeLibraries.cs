using System.Runtime.InteropServices;
using System.Xml.Linq;

namespace Workbook.Hosting;

/// <summary>
/// Loads TorchSharp's own libtorch, by path, before TorchSharp looks for it by name.
/// </summary>
/// <remarks>
/// In a notebook kernel (Jupyter, VS Code, the headless host) TorchSharp.dll comes from the NuGet cache and no
/// dependency list names its native libraries, so its first probe is a plain <c>dlopen("libtorch_cpu.so")</c>. On a
/// machine with Debian's <c>python3-torch</c> that finds the system's PyTorch 1.13 libtorch first; LibTorchSharp then
/// cannot bind to it and every notebook fails at its first tensor with "doesn't contain a reference to
/// libtorch-cpu-linux-x64". A library already loaded answers a later load by the same name (glibc matches its
/// SONAME), so loading the package's files by path first makes every later probe find them.
/// </remarks>
public static class TorchNativeLibraries
{
    /// <summary>In dependency order: each one's dependencies are loaded before it.</summary>
    private static readonly string[] LibTorchFiles = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];

    private const string LibTorchSharpFile = "libLibTorchSharp.so";

    private static readonly object gate = new();
    private static string? loadedFrom;

    /// <summary>
    /// Loads libtorch and LibTorchSharp from TorchSharp's packages (Linux x64; elsewhere does nothing).
    /// Returns the folder libtorch was loaded from, or null when it was not found or this is not Linux x64.
    /// Safe to call more than once, and after TorchSharp has loaded the same files.
    /// </summary>
    public static string? Preload()
    {
        lock (gate)
        {
            if (loadedFrom != null) return loadedFrom;
            if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return null;
            var (libTorch, libTorchSharp) = Folders(typeof(TorchSharp.torch).Assembly.Location);
            if (libTorch == null || libTorchSharp == null) return null;
            // libgomp ships under a hashed name (libgomp-98b21ff3.so.1) that libtorch_cpu.so names directly.
            foreach (string gomp in Directory.EnumerateFiles(libTorch, "libgomp*.so*")) NativeLibrary.Load(gomp);
            foreach (string file in LibTorchFiles) NativeLibrary.Load(Path.Combine(libTorch, file));
            NativeLibrary.Load(Path.Combine(libTorchSharp, LibTorchSharpFile));
            return loadedFrom = libTorch;
        }
    }

    /// <summary>
    /// Where libtorch_cpu.so and libLibTorchSharp.so are for the TorchSharp.dll at <paramref name="torchSharpDll"/>:
    /// an application's <c>runtimes/linux-x64/native</c> next to it, or, when it is in the NuGet cache
    /// (<c>…/torchsharp/0.107.0/lib/net6.0/TorchSharp.dll</c>), the <c>libtorch-cpu-linux-x64</c> package of the version
    /// TorchSharp-cpu names and TorchSharp's own <c>runtimes/linux-x64/native</c>.
    /// </summary>
    public static (string? LibTorch, string? LibTorchSharp) Folders(string torchSharpDll)
    {
        const string native = "runtimes/linux-x64/native";
        string? dllFolder = Path.GetDirectoryName(torchSharpDll);
        if (string.IsNullOrEmpty(dllFolder)) return (null, null);

        string appNative = Path.Combine(dllFolder, native);
        if (File.Exists(Path.Combine(appNative, "libtorch_cpu.so")) && File.Exists(Path.Combine(appNative, LibTorchSharpFile)))
            return (appNative, appNative);

        // NuGet cache: <packages>/torchsharp/<version>/lib/<tfm>/TorchSharp.dll
        var package = Directory.GetParent(dllFolder)?.Parent;
        var packages = package?.Parent?.Parent;
        if (package == null || packages == null) return (null, null);
        string version = package.Name;
        string? libTorchSharp = File.Exists(Path.Combine(package.FullName, native, LibTorchSharpFile)) ? Path.Combine(package.FullName, native) : null;
        string? libTorchVersion =
            DependencyVersion(Path.Combine(packages.FullName, "torchsharp-cpu", version, "torchsharp-cpu.nuspec"), "libtorch-cpu") is { } cpu
                ? DependencyVersion(Path.Combine(packages.FullName, "libtorch-cpu", cpu, "libtorch-cpu.nuspec"), "libtorch-cpu-linux-x64") ?? cpu
                : null;
        string? libTorch = libTorchVersion == null ? null : Path.Combine(packages.FullName, "libtorch-cpu-linux-x64", libTorchVersion, native);
        return (libTorch != null && File.Exists(Path.Combine(libTorch, "libtorch_cpu.so")) ? libTorch : null, libTorchSharp);
    }

    /// <summary>The version a .nuspec file gives for the dependency <paramref name="id"/>, or null.</summary>
    private static string? DependencyVersion(string nuspec, string id)
    {
        if (!File.Exists(nuspec)) return null;
        var version = XDocument.Load(nuspec).Descendants()
            .FirstOrDefault(e => e.Name.LocalName == "dependency" && string.Equals((string?)e.Attribute("id"), id, StringComparison.OrdinalIgnoreCase))
            ?.Attribute("version")?.Value;
        // A nuspec version may be a range such as "[2.10.0]".
        return version?.Trim('[', ']', '(', ')').Split(',')[0].Trim();
    }
}
