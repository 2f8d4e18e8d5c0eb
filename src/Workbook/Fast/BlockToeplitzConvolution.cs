using static TorchSharp.torch;

namespace Workbook.Fast;

/// <summary>
/// Causal MIMO convolution as one matrix multiplication. Cut time into blocks of M samples. Output block j
/// (samples jM … jM+M−1) depends only on the input from sample jM − (P−1)M on, that is on the current block
/// and the P−1 before it, where P = 1 + ⌈(K−1)/M⌉. Laying those P blocks of every input channel side by side as
/// one row of length F·P·M, the output block of every channel is that row times a fixed matrix T of size
/// F·P·M × G·M, whose entries are taps: T[(f, i), (g, m)] = H[k, f, g] with delay k = m + (P−1)M − i (zero
/// outside 0 ≤ k &lt; K). All rows of all clips form one GEMM, the operation CPUs do fastest.
/// <para>
/// The price is zeros: each output costs P·M multiply-adds per channel pair instead of K. Choosing M near K/2
/// (P = 3) keeps that near 1.5·K while the matrices stay large enough for the GEMM to run at full speed.
/// </para>
/// </summary>
internal static class BlockToeplitzConvolution
{
    /// <summary>Block length for K taps: about K/2 (P = 3 blocks per row), at least 8.</summary>
    public static long BlockLength(long taps) => Math.Max(8, (taps + 1) / 2);

    /// <param name="x">input <c>[B, F, N]</c></param>
    /// <param name="coefficients">taps <c>[K, F, G]</c></param>
    /// <returns><c>[B, G, N]</c></returns>
    public static Tensor Filter(Tensor x, Tensor coefficients)
    {
        long batch = x.shape[0], inputs = x.shape[1], n = x.shape[2];
        long taps = coefficients.shape[0], outputs = coefficients.shape[2];
        long m = BlockLength(taps);
        long blocksPerRow = 1 + (taps - 1 + m - 1) / m;
        long blocks = (n + m - 1) / m;

        // Zeros before time 0 (the previous blocks of block 0) and after N (to fill the last block).
        var padded = nn.functional.pad(x, new long[] { (blocksPerRow - 1) * m, blocks * m - n });
        // Windows of P·M samples every M samples: a strided view [B, F, J, P·M], then one row per (clip, block).
        var rows = padded.unfold(2, blocksPerRow * m, m)
                         .permute(0, 2, 1, 3)
                         .reshape(batch * blocks, inputs * blocksPerRow * m);
        var product = rows.matmul(ToeplitzMatrix(coefficients, m, blocksPerRow));       // [B·J, G·M]
        return product.view(batch, blocks, outputs, m)
                      .permute(0, 2, 1, 3)
                      .reshape(batch, outputs, blocks * m)
                      .narrow(2, 0, n);
    }

    /// <summary>T of size F·P·M × G·M built from the taps by one gather, so gradients flow back to the taps.</summary>
    private static Tensor ToeplitzMatrix(Tensor coefficients, long m, long blocksPerRow)
    {
        long taps = coefficients.shape[0], inputs = coefficients.shape[1], outputs = coefficients.shape[2];
        long window = blocksPerRow * m;
        var delays = new long[window * m];
        var inside = new float[window * m];
        for (long i = 0; i < window; i++)
            for (long j = 0; j < m; j++)
            {
                long k = j + (blocksPerRow - 1) * m - i;
                bool valid = k >= 0 && k < taps;
                delays[i * m + j] = valid ? k : 0;
                inside[i * m + j] = valid ? 1 : 0;
            }
        using var delayIndex = tensor(delays, device: coefficients.device);
        using var mask = tensor(inside, device: coefficients.device).to(coefficients.dtype).view(window, m, 1, 1);
        var gathered = coefficients.index_select(0, delayIndex).view(window, m, inputs, outputs) * mask; // [P·M, M, F, G]
        return gathered.permute(2, 0, 3, 1).reshape(inputs * window, outputs * m);
    }
}
