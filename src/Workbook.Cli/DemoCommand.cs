using Workbook.Networks;
using static TorchSharp.torch;

namespace Workbook.Cli;

/// <summary><c>demo</c>: builds the lab's Task 4 CNN and runs it once on a random batch, to show the library works.</summary>
internal static class DemoCommand
{
    public static int Run(Arguments arguments)
    {
        arguments.RejectUnknown();
        var specification = CnnSpecification.LabDenoiser;
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var network = new MimoCnn(specification);
        var batch = randn(32, 1, 16000);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Tensor output;
        using (no_grad()) output = network.call(batch);
        watch.Stop();
        Console.WriteLine($"MIMO CNN: {specification}");
        Console.WriteLine($"input  shape: [{string.Join(", ", batch.shape)}]");
        Console.WriteLine($"output shape: [{string.Join(", ", output.shape)}]");
        Console.WriteLine($"parameters:   {network.ParameterCount} (no biases)");
        Console.WriteLine($"forward pass: {watch.Elapsed.TotalMilliseconds:F1} ms");
        return 0;
    }
}
