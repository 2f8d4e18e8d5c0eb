using System.Runtime.InteropServices;
using Workbook.Display;
using Workbook.Tests.Data;
using Workbook.Hosting;

namespace Workbook.Tests.Hosting;

/// <summary>
/// The preload that keeps a system libtorch (Debian's python3-torch) out of notebook kernels: where it looks, and that
/// afterwards the only libtorch in the process is TorchSharp's own.
/// </summary>
public class TorchNativeLibrariesTests
{
    private static void Touch(string path, string text = "")
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static string Nuspec(string id, string version) =>
        $"""<?xml version="1.0"?><package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata><dependencies><group targetFramework="net6.0"><dependency id="{id}" version="{version}" /></group></dependencies></metadata></package>""";

    [Fact]
    public void In_the_NuGet_cache_it_finds_the_libtorch_package_that_TorchSharp_cpu_names()
    {
        using var scratch = new ScratchFolder();
        string packages = scratch.Root;
        string torchSharpDll = Path.Combine(packages, "torchsharp", "0.107.0", "lib", "net6.0", "TorchSharp.dll");
        Touch(torchSharpDll);
        Touch(Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so"));
        Touch(Path.Combine(packages, "torchsharp-cpu", "0.107.0", "torchsharp-cpu.nuspec"), Nuspec("libtorch-cpu", "2.10.0"));
        Touch(Path.Combine(packages, "libtorch-cpu", "2.10.0", "libtorch-cpu.nuspec"), Nuspec("libtorch-cpu-linux-x64", "[2.10.0]"));
        // Another TorchSharp's libtorch in the same cache must not be chosen.
        foreach (string version in new[] { "2.9.1", "2.10.0", "2.11.0" })
            Touch(Path.Combine(packages, "libtorch-cpu-linux-x64", version, "runtimes", "linux-x64", "native", "libtorch_cpu.so"));

        var (libTorch, libTorchSharp) = TorchNativeLibraries.Folders(torchSharpDll);
        Assert.Equal(Path.Combine(packages, "libtorch-cpu-linux-x64", "2.10.0", "runtimes", "linux-x64", "native"), libTorch);
        Assert.Equal(Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native"), libTorchSharp);
    }

    [Fact]
    public void In_an_application_it_finds_the_native_folder_next_to_TorchSharp()
    {
        using var scratch = new ScratchFolder();
        string native = Path.Combine(scratch.Root, "runtimes", "linux-x64", "native");
        Touch(Path.Combine(native, "libtorch_cpu.so"));
        Touch(Path.Combine(native, "libLibTorchSharp.so"));
        Assert.Equal((native, native), TorchNativeLibraries.Folders(Path.Combine(scratch.Root, "TorchSharp.dll")));
        Assert.Equal(((string?)null, (string?)null), TorchNativeLibraries.Folders(Path.Combine(scratch.Root, "elsewhere", "TorchSharp.dll")));
    }

    [SkippableFact]
    public void After_the_preload_the_only_libtorch_in_the_process_is_the_one_it_loaded()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64, "the preload is for Linux x64");
        string? folder = TorchNativeLibraries.Preload();
        Assert.NotNull(folder);
        Assert.Equal(folder, TorchNativeLibraries.Preload());  // a second call changes nothing
        TorchSharp.torch.ones(3).sum().Dispose();               // TorchSharp's own probe has run too

        var mapped = File.ReadAllLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6).Select(fields => string.Join(' ', fields.Skip(5)))
            .Where(path => Path.GetFileName(path) is "libtorch_cpu.so" or "libc10.so" or "libtorch.so")
            .Distinct().ToList();
        Assert.Contains(Path.Combine(folder!, "libtorch_cpu.so"), mapped);
        Assert.All(mapped, path => Assert.Equal(folder, Path.GetDirectoryName(path)));
    }
}
