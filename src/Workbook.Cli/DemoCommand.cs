using System.CommandLine;
using Workbook.Networks;
using static TorchSharp.torch;

namespace Workbook.Cli;

/// <summary><c>demo</c>: builds the lab's Task 4 CNN and runs it once on a random batch, to show the library works.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "build the lab's [1,5,1]/[40,40] MIMO CNN and run it on a random [32,1,16000] batch");
        command.SetAction(_ => Run());
        return command;
    }

    private static int Run()
    {
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
