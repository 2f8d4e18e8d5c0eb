using TorchSharp;
using static TorchSharp.torch;

namespace Workbook.Training;

/// <summary>Turns a device name into a TorchSharp device, explaining what to do when it is not available.</summary>
public static class Devices
{
    /// <summary>"cpu", "cuda" or "cuda:N".</summary>
    public static Device Resolve(string name)
    {
        // Asked before torch.device, which on a CPU-only build fails with a message about backend initialisation.
        if (name.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) && !cuda.is_available())
            throw new ArgumentException(
                $"device '{name}' asks for CUDA, but this TorchSharp build has no usable GPU: " +
                "install the TorchSharp-cuda-linux (or -windows) package instead of TorchSharp-cpu, with a CUDA driver (see README)");
        try
        {
            return torch.device(name);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or System.Runtime.InteropServices.ExternalException)
        {
            throw new ArgumentException($"unknown device '{name}': use cpu, cuda or cuda:N", e);
        }
    }
}
