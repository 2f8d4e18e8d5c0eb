using System.Text;

namespace Workbook.Tests.TorchFiles;

/// <summary>Pickles assembled by hand from Python's <c>pickletools</c> opcode table, for the scanner's tests.</summary>
internal static class PickleBytes
{
    /// <summary>The parts in order: a char or an int is one byte (an opcode, a length), a string its UTF-8 bytes.</summary>
    public static byte[] Bytes(params object[] parts)
    {
        var bytes = new List<byte>();
        foreach (var part in parts)
            switch (part)
            {
                case char c: bytes.Add((byte)c); break;
                case int i: bytes.Add((byte)i); break;
                case string s: bytes.AddRange(Encoding.UTF8.GetBytes(s)); break;
                case byte[] b: bytes.AddRange(b); break;
                default: throw new ArgumentException(part.ToString());
            }
        return bytes.ToArray();
    }

    /// <summary>The low <paramref name="size"/> bytes of <paramref name="value"/>, little-endian (pickle's integer arguments).</summary>
    public static byte[] Le(long value, int size) => BitConverter.GetBytes(value)[..size];
}
