using System.Buffers.Binary;
using System.Security.Cryptography;
using Workbook.Files;

namespace Workbook.Data.Speech;

/// <summary>
/// One synthesized clip on disk, in the cache of <see cref="SynthesizedSpeech"/>: a tag, the length and the rate, the
/// samples as 16-bit PCM (as the bundled clips are stored), and a SHA-256 of all that, so a file cut short or damaged is
/// recognised and made again instead of being trained on. Written atomically (<see cref="AtomicFile"/>): a reader never
/// sees half a file, and two runs writing the same clip leave one whole copy.
/// </summary>
internal static class SynthesizedClipFile
{
    private static ReadOnlySpan<byte> Tag => "WBSPEECH"u8;
    private const int HeaderBytes = 8 + 4 + 4, HashBytes = 32;

    /// <summary>The clip stored at <paramref name="path"/>, or null when there is none or it is not a whole clip of
    /// <paramref name="length"/> samples at <paramref name="sampleRate"/>.</summary>
    public static float[]? TryRead(string path, int length, int sampleRate)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        int body = HeaderBytes + 2 * length;
        if (bytes.Length != body + HashBytes || !bytes.AsSpan(0, 8).SequenceEqual(Tag)
            || BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)) != length
            || BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)) != sampleRate
            || !SHA256.HashData(bytes.AsSpan(0, body)).AsSpan().SequenceEqual(bytes.AsSpan(body)))
            return null;
        var samples = new float[length];
        for (int n = 0; n < length; n++) samples[n] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(HeaderBytes + 2 * n)) / 32768f;
        return samples;
    }

    /// <summary>Stores <paramref name="samples"/> (already on the 16-bit grid: see <see cref="Quantised"/>).</summary>
    public static void Write(string path, float[] samples, int sampleRate)
    {
        int body = HeaderBytes + 2 * samples.Length;
        var bytes = new byte[body + HashBytes];
        Tag.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), samples.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), sampleRate);
        for (int n = 0; n < samples.Length; n++) BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(HeaderBytes + 2 * n), Pcm16Wave.ToInt16(samples[n]));
        SHA256.HashData(bytes.AsSpan(0, body), bytes.AsSpan(body));
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>The samples as the file stores them (16-bit), so a clip read back equals the clip first returned.</summary>
    public static float[] Quantised(float[] samples) => samples.Select(s => Pcm16Wave.ToInt16(s) / 32768f).ToArray();
}
