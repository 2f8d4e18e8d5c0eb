using NAudio.Wave;

namespace Workbook.Data;

/// <summary>
/// A WAV file as a stream of mono float samples at its own rate, read block by block: the same decoding as
/// <see cref="WavAudio.Read"/> (channels averaged, non-finite samples refused with their frame number), without
/// holding the file in memory.
/// </summary>
public sealed class WavSampleStream : ISampleProvider, IDisposable
{
    private readonly WaveFileReader reader;
    private readonly string path;
    private byte[] bytes = Array.Empty<byte>();
    private long frame;

    public WavSampleStream(string path)
    {
        this.path = path;
        reader = WavAudio.Open(path);
        WaveFormat = WaveFormat.CreateIeeeFloatWaveFormat(reader.WaveFormat.SampleRate, 1);
        Frames = reader.Length / reader.WaveFormat.BlockAlign;
    }

    /// <summary>Mono IEEE float at the file's rate.</summary>
    public WaveFormat WaveFormat { get; }

    /// <summary>The file's number of whole frames.</summary>
    public long Frames { get; }

    public int Read(Span<float> buffer)
    {
        int blockAlign = reader.WaveFormat.BlockAlign;
        if (bytes.Length < buffer.Length * blockAlign) bytes = new byte[buffer.Length * blockAlign];
        int read = 0;
        while (read < buffer.Length * blockAlign)
        {
            int got = reader.Read(bytes, read, buffer.Length * blockAlign - read);
            if (got == 0) break;
            read += got;
        }
        read -= read % blockAlign;   // a file cut short mid-frame loses the partial frame, as in WavAudio.Read
        int frames = WavAudio.DecodeToMono(bytes.AsSpan(0, read), reader.WaveFormat, path, frame, buffer);
        frame += frames;
        return frames;
    }

    public void Dispose() => reader.Dispose();
}
