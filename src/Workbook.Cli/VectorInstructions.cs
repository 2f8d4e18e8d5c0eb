using System.Numerics;
using System.Runtime.Intrinsics;
using Arm = System.Runtime.Intrinsics.Arm;
using X86 = System.Runtime.Intrinsics.X86;

namespace Workbook.Cli;

/// <summary>
/// The vector instruction sets this process can use, as .NET sees them (<c>IsSupported</c> is false where the CPU or
/// the operating system lacks a set, or where a <c>DOTNET_Enable…=0</c> setting turns it off). They bound what the
/// Simd convolution can reach: its loops run on <see cref="Vector{T}"/>, 8 floats with AVX2, and use fused
/// multiply-adds where FMA (x64) or AdvSimd (ARM64) exists.
/// </summary>
internal static class VectorInstructions
{
    public static string Describe()
    {
        var sets = new List<string>();
        if (X86.Sse42.IsSupported) sets.Add("SSE4.2");
        if (X86.Avx.IsSupported) sets.Add("AVX");
        if (X86.Avx2.IsSupported) sets.Add("AVX2");
        if (X86.Fma.IsSupported) sets.Add("FMA");
        if (X86.Avx512F.IsSupported) sets.Add("AVX-512F");
        if (Arm.AdvSimd.IsSupported) sets.Add("AdvSimd (NEON)");
        if (Arm.AdvSimd.Arm64.IsSupported) sets.Add("AdvSimd.Arm64");
        string absent = X86.X86Base.IsSupported
            ? string.Join("", new[] { (X86.Avx2.IsSupported, "AVX2"), (X86.Fma.IsSupported, "FMA"), (X86.Avx512F.IsSupported, "AVX-512F") }
                .Where(set => !set.Item1).Select(set => $", no {set.Item2}"))
            : "";
        string listed = sets.Count == 0 ? "none" : string.Join(" ", sets);
        return $"{listed}{absent}; Vector<float> holds {Vector<float>.Count} floats (hardware accelerated: {Vector.IsHardwareAccelerated}), " +
               $"Vector256: {Vector256.IsHardwareAccelerated}";
    }
}
