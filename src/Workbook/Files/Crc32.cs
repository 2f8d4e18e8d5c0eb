namespace Workbook.Files;

/// <summary>
/// The zip format's CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320). .NET's zip reader does not check it, so a
/// flipped bit in a stored entry would otherwise reach the tensors unnoticed.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>Continues a CRC over <paramref name="bytes"/>; start with 0.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> bytes)
    {
        crc = ~crc;
        foreach (byte b in bytes) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }
}
