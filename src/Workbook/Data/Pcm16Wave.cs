using System.Buffers.Binary;
using Workbook.Files;

namespace Workbook.Data;

/// <summary>
/// Reads and writes the plainest WAV file: mono, 16-bit linear PCM (a RIFF header, a "fmt " chunk and a
/// "data" chunk). Sample s is stored as the integer round(s·32768), limited to −32768…32767, and read back
/// as integer / 32768, so values in [−1, 1) survive a round trip to within 1/65536.
/// </summary>
/// <remarks>Small and strict on purpose: the bundled clips are in exactly this format, and anything else is an error that says what it found.</remarks>
public static class Pcm16Wave
{
    /// <summary>The samples and sample rate of a mono 16-bit PCM WAV file.</summary>
    /// <exception cref="InvalidDataException">the file is not a mono 16-bit PCM WAV file, or is cut short</exception>
    public static (float[] Samples, int SampleRate) Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        return Parse(bytes, path);
    }

    /// <summary>Like <see cref="Read(string)"/>, for a file already in memory; <paramref name="name"/> is used in messages.</summary>
    public static (float[] Samples, int SampleRate) Parse(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < 12 || !bytes[..4].SequenceEqual("RIFF"u8) || !bytes[8..12].SequenceEqual("WAVE"u8))
            throw new InvalidDataException($"{name}: not a WAV file (no RIFF/WAVE header)");
        int sampleRate = 0;
        bool haveFormat = false;
        int position = 12;
        while (position + 8 <= bytes.Length)
        {
            var id = bytes.Slice(position, 4);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(position + 4)..]);
            int body = position + 8;
            if (size > (uint)(bytes.Length - body))
                throw new InvalidDataException($"{name}: chunk '{System.Text.Encoding.ASCII.GetString(id)}' claims {size} bytes but only {bytes.Length - body} remain (file cut short?)");
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16) throw new InvalidDataException($"{name}: the format chunk is only {size} bytes long");
                int format = BinaryPrimitives.ReadUInt16LittleEndian(bytes[body..]);
                int channels = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(body + 2)..]);
                sampleRate = BinaryPrimitives.ReadInt32LittleEndian(bytes[(body + 4)..]);
                int bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(body + 14)..]);
                if (format != 1 || channels != 1 || bits != 16)
                    throw new InvalidDataException(
                        $"{name}: expected mono 16-bit PCM, found format {format}, {channels} channel(s), {bits} bits per sample");
                haveFormat = true;
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (!haveFormat) throw new InvalidDataException($"{name}: the data chunk comes before the format chunk");
                if (size % 2 != 0) throw new InvalidDataException($"{name}: the data chunk has an odd number of bytes ({size})");
                var samples = new float[size / 2];
                var data = bytes.Slice(body, (int)size);
                if (BitConverter.IsLittleEndian)
                {
                    // WAV is little-endian, like the machine: the bytes already are the 16-bit integers.
                    var integers = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(data);
                    for (int n = 0; n < samples.Length; n++) samples[n] = integers[n] / 32768f;
                }
                else
                {
                    for (int n = 0; n < samples.Length; n++)
                        samples[n] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * n)..]) / 32768f;
                }
                return (samples, sampleRate);
            }
            position = body + (int)size + (int)(size & 1); // chunks are padded to an even length
        }
        throw new InvalidDataException($"{name}: no {(haveFormat ? "data" : "format")} chunk found");
    }

    /// <summary>
    /// Writes <paramref name="samples"/> as a mono 16-bit PCM WAV file (the same bytes for the same samples, every time),
    /// atomically (see <see cref="AtomicFile"/>).
    /// </summary>
    public static void Write(string path, ReadOnlySpan<float> samples, int sampleRate)
    {
        byte[] bytes = Encode(samples, sampleRate);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>The bytes of a mono 16-bit PCM WAV file holding <paramref name="samples"/> (each <see cref="ToInt16"/>).</summary>
    public static byte[] Encode(ReadOnlySpan<float> samples, int sampleRate)
    {
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "the sample rate must be positive");
        int dataBytes = 2 * samples.Length;
        var bytes = new byte[44 + dataBytes];
        var span = bytes.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + dataBytes);
        "WAVE"u8.CopyTo(span[8..]);
        "fmt "u8.CopyTo(span[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);             // format chunk size
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);              // linear PCM
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);              // mono
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], 2 * sampleRate); // bytes per second
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);              // bytes per frame
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);             // bits per sample
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], dataBytes);
        for (int n = 0; n < samples.Length; n++)
            BinaryPrimitives.WriteInt16LittleEndian(span[(44 + 2 * n)..], ToInt16(samples[n]));
        return bytes;
    }

    /// <summary>round(s·32768), limited to the 16-bit range; NaN and infinities become 0 (silence).</summary>
    public static short ToInt16(float sample) => !float.IsFinite(sample) ? (short)0 :
        (short)Math.Clamp(Math.Round(sample * 32768.0, MidpointRounding.AwayFromZero), short.MinValue, short.MaxValue);
}
