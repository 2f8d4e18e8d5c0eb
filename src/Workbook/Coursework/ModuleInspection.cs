using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>What the checks need to know about a student's module: its learnable tensors and its attributes.</summary>
public static class ModuleInspection
{
    /// <summary>The module's learnable tensors, in the order <c>parameters()</c> gives them (layer by layer).</summary>
    public static IReadOnlyList<TorchSharp.Modules.Parameter> Parameters(nn.Module module) => module.parameters().ToList();

    /// <summary>Sets every learnable tensor to the values of <paramref name="values"/> (same shapes), without recording gradients.</summary>
    public static void Assign(nn.Module module, IReadOnlyList<Tensor> values)
    {
        var parameters = Parameters(module);
        using var _ = no_grad();
        for (int i = 0; i < parameters.Count; i++) parameters[i].copy_(values[i]);
    }

    /// <summary>The value of a public property or field named <paramref name="name"/> as a number, or null when there is none.</summary>
    public static long? Attribute(object module, string name)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance;
        object? value = module.GetType().GetProperty(name, flags)?.GetValue(module) ?? module.GetType().GetField(name, flags)?.GetValue(module);
        return value switch
        {
            int i => i,
            long l => l,
            _ => null,
        };
    }

    /// <summary>The total number of learnable numbers.</summary>
    public static long Count(nn.Module module) => Parameters(module).Sum(p => p.numel());

    /// <summary>How many learnable numbers got no gradient (none, or exactly zero) from the last backward pass.</summary>
    public static long WithoutGradient(nn.Module module) =>
        Parameters(module).Sum(p => p.grad is null ? p.numel() : p.grad.eq(0).sum().item<long>());

    public static string Shapes(nn.Module module) => "[" + string.Join(", ", Parameters(module).Select(p => TensorComparison.Shape(p))) + "]";
}
