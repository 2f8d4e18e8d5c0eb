using TorchSharp;
using static TorchSharp.torch;

namespace Workbook.Training;

/// <summary>Turns a device name into a TorchSharp device, explaining what to do when it is not available.</summary>
public static class Devices
{
    /// <summary>"cpu", "cuda" or "cuda:N".</summary>
    public static Device Resolve(string name)
    {
        Device device;
        try { device = torch.device(name); }
        catch (Exception e) when (e is ArgumentException or FormatException or System.Runtime.InteropServices.ExternalException)
        {
            throw new ArgumentException($"unknown device '{name}': use cpu, cuda or cuda:N", e);
        }
        if (device.type == DeviceType.CUDA && !cuda.is_available())
            throw new ArgumentException(
                $"device '{name}' asks for CUDA, but this TorchSharp build has no usable GPU: " +
                "install the TorchSharp-cuda-linux (or -windows) package instead of TorchSharp-cpu, with a CUDA driver (see README)");
        return device;
    }
}
