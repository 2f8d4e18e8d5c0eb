using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Workbook.TorchFiles;
using NAudio.Wave;
using Workbook.Files;

namespace Workbook.Data;

/// <summary>A WAV recording brought to the lab's form: mono float samples at 16 kHz.</summary>
/// <param name="Samples">the samples at <see cref="PairedClips.LabSampleRate"/>, nominally in [-1, 1]</param>
/// <param name="OriginalSampleRate">the file's own rate, so that a denoised clip can be written back at it</param>
/// <param name="OriginalLength">the file's own number of frames, so that a denoised clip can be written back as long</param>
public sealed record WavRecording(float[] Samples, int OriginalSampleRate, int OriginalLength)
{
    /// <summary>The rate of <see cref="Samples"/>: always 16 kHz.</summary>
    public int SampleRate => PairedClips.LabSampleRate;
}

/// <summary>
/// Reads and writes WAV files with NAudio's <see cref="WaveFileReader"/> and <see cref="WaveFileWriter"/>
/// (plain file I/O that works on every OS, unlike NAudio's playback and Media Foundation parts).
/// </summary>
public static class WavAudio
{
    // WAVE_FORMAT_EXTENSIBLE files name their encoding by a GUID; these two are plain PCM and IEEE float.
    private static readonly Guid PcmSubFormat = new("00000001-0000-0010-8000-00aa00389b71");
    private static readonly Guid FloatSubFormat = new("00000003-0000-0010-8000-00aa00389b71");

    /// <summary>
    /// Reads a WAV file as mono float samples at 16 kHz: 8/16/24/32-bit integer PCM or 32-bit float,
    /// mono or stereo (the channels are averaged), at any rate (resampled, or passed through exactly at 16 kHz).
    /// </summary>
    /// <exception cref="FileNotFoundException">no file at <paramref name="path"/></exception>
    /// <exception cref="InvalidDataException">not a WAV file, a damaged one, or an encoding other than the above;
    /// the message names the file and the format found</exception>
    public static WavRecording Read(string path)
    {
        using var reader = Open(path);
        byte[] bytes = ReadData(reader);
        float[] mono = DecodeToMono(bytes, reader.WaveFormat, path, firstFrame: 0);
        return new WavRecording(AudioResampler.Resample(mono, reader.WaveFormat.SampleRate, PairedClips.LabSampleRate), reader.WaveFormat.SampleRate, mono.Length);
    }

    /// <summary>Opens a WAV file after checking that its format is one <see cref="Read"/> takes (for reading it in blocks).</summary>
    /// <exception cref="FileNotFoundException">no file at <paramref name="path"/></exception>
    /// <exception cref="InvalidDataException">not a WAV file, a damaged one, or another encoding; the message names the file</exception>
    public static WaveFileReader Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no WAV file at {path}", path);
        WaveFileReader reader;
        try
        {
            reader = new WaveFileReader(path);
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or InvalidDataException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: not a readable WAV file ({e.Message})", e);
        }
        var format = reader.WaveFormat;
        if (!(IsPcm(format) && format.BitsPerSample is 8 or 16 or 24 or 32 || IsFloat(format) && format.BitsPerSample == 32)
            || format.Channels is not (1 or 2))
        {
            reader.Dispose();
            throw new InvalidDataException(
                $"{path}: unsupported WAV format {Describe(format)}; expected 8/16/24/32-bit PCM or 32-bit float, mono or stereo");
        }
        return reader;
    }

    private static bool IsPcm(WaveFormat f) => f.Encoding == WaveFormatEncoding.Pcm || SubFormat(f) == PcmSubFormat;

    private static bool IsFloat(WaveFormat f) => f.Encoding == WaveFormatEncoding.IeeeFloat || SubFormat(f) == FloatSubFormat;

    /// <summary>
    /// The encoding GUID of a WAVE_FORMAT_EXTENSIBLE header, or null. NAudio's reader hands such a header over
    /// as raw extra bytes: valid bits (2), channel mask (4), then the GUID (16).
    /// </summary>
    private static Guid? SubFormat(WaveFormat f) => f switch
    {
        WaveFormatExtensible x => x.SubFormat,
        WaveFormatExtraData { Encoding: WaveFormatEncoding.Extensible, ExtraSize: >= 22 } e => new Guid(e.ExtraData.AsSpan(6, 16)),
        _ => null,
    };

    /// <summary>"MuLaw, 8 bits, 1 channel, 8000 Hz".</summary>
    private static string Describe(WaveFormat f) =>
        $"{(SubFormat(f) is Guid g ? $"Extensible ({g})" : f.Encoding.ToString())}, {f.BitsPerSample} bits, " +
        $"{f.Channels} channel{(f.Channels == 1 ? "" : "s")}, {f.SampleRate} Hz";

    /// <summary>The data chunk's whole frames (a file cut short mid-frame loses the partial frame).</summary>
    private static byte[] ReadData(WaveFileReader reader)
    {
        var data = new MemoryStream();
        // NAudio's reader only hands out whole frames, so the buffer is exactly a multiple of the frame size.
        var buffer = new byte[reader.WaveFormat.BlockAlign * 4096];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0) data.Write(buffer, 0, read);
        long whole = data.Length - data.Length % reader.WaveFormat.BlockAlign;
        return data.GetBuffer().AsSpan(0, (int)whole).ToArray();
    }

    /// <summary>Decodes interleaved little-endian frames to floats in [-1, 1) and averages the channels.</summary>
    /// <exception cref="InvalidDataException">a float sample is NaN or infinite: named by file, frame and channel, since it
    /// would otherwise only surface as a NaN output, reported against the output file</exception>
    /// <param name="firstFrame">the frame number of the first frame in <paramref name="bytes"/>, for error messages</param>
    internal static float[] DecodeToMono(ReadOnlySpan<byte> bytes, WaveFormat format, string path, long firstFrame)
    {
        var mono = new float[bytes.Length / (format.BitsPerSample / 8 * format.Channels)];
        DecodeToMono(bytes, format, path, firstFrame, mono);
        return mono;
    }

    /// <summary>The same into <paramref name="mono"/> (as many floats as there are whole frames); returns the frame count.</summary>
    internal static int DecodeToMono(ReadOnlySpan<byte> bytes, WaveFormat format, string path, long firstFrame, Span<float> mono)
    {
        int bytesPerSample = format.BitsPerSample / 8, channels = format.Channels;
        bool isFloat = IsFloat(format);
        int frames = bytes.Length / (bytesPerSample * channels);
        if (mono.Length < frames) throw new ArgumentException($"room for {mono.Length} samples, not {frames}", nameof(mono));
        if (bytesPerSample == 2 && BitConverter.IsLittleEndian)
        {
            Decode16(MemoryMarshal.Cast<byte, short>(bytes[..(frames * channels * 2)]), channels, mono[..frames]);
            return frames;
        }
        for (int n = 0; n < frames; n++)
        {
            float sum = 0;
            for (int c = 0; c < channels; c++)
            {
                var s = bytes.Slice((n * channels + c) * bytesPerSample, bytesPerSample);
                sum += bytesPerSample switch
                {
                    1 => (s[0] - 128) / 128f,                                        // 8-bit PCM is unsigned, centred on 128
                    2 => BinaryPrimitives.ReadInt16LittleEndian(s) / 32768f,
                    3 => ((s[2] << 24 | s[1] << 16 | s[0] << 8) >> 8) / 8388608f,   // sign-extend the 24-bit integer
                    _ => isFloat ? Finite(BinaryPrimitives.ReadSingleLittleEndian(s), firstFrame + n, c, channels, path) : BinaryPrimitives.ReadInt32LittleEndian(s) / 2147483648f,
                };
            }
            mono[n] = sum / channels;
        }
        return frames;
    }

    /// <summary>
    /// 16-bit PCM (the common case) to mono floats, 8 or 16 samples at a time: s / 32768 for one channel, and for two
    /// (a / 32768 + b / 32768) / 2, which equals (a + b) / 65536 exactly (every step is exact in float32: 17-bit
    /// integers times powers of two), so the vector loop gives the same floats as the scalar one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Decode16(ReadOnlySpan<short> pcm, int channels, Span<float> mono)
    {
        int n = 0, frames = mono.Length;
        ref short from = ref MemoryMarshal.GetReference(pcm);
        ref float to = ref MemoryMarshal.GetReference(mono);
        if (Vector256.IsHardwareAccelerated && channels == 1)
        {
            var scale = Vector256.Create(1f / 32768);
            for (; n + 16 <= frames; n += 16)
            {
                var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref from, (nuint)n));
                (Vector256.ConvertToSingle(low) * scale).StoreUnsafe(ref to, (nuint)n);
                (Vector256.ConvertToSingle(high) * scale).StoreUnsafe(ref to, (nuint)(n + 8));
            }
        }
        else if (Vector256.IsHardwareAccelerated && channels == 2)
        {
            // Eight frames as eight ints: the left sample in the low 16 bits, the right in the high 16 (little-endian).
            var scale = Vector256.Create(1f / 65536);
            ref int pairs = ref Unsafe.As<short, int>(ref from);
            for (; n + 8 <= frames; n += 8)
            {
                var frame = Vector256.LoadUnsafe(ref pairs, (nuint)n);
                var sum = Vector256.ShiftRightArithmetic(Vector256.ShiftLeft(frame, 16), 16) + Vector256.ShiftRightArithmetic(frame, 16);
                (Vector256.ConvertToSingle(sum) * scale).StoreUnsafe(ref to, (nuint)n);
            }
        }
        if (channels == 1)
            for (; n < frames; n++) mono[n] = pcm[n] / 32768f;
        else
            for (; n < frames; n++) mono[n] = (pcm[2 * n] / 32768f + pcm[2 * n + 1] / 32768f) / 2;
    }

    private static float Finite(float value, long frame, int channel, int channels, string path) => float.IsFinite(value)
        ? value
        : throw new InvalidDataException(
            $"{path}: sample {frame}{(channels > 1 ? $" (channel {channel + 1})" : "")} is {CoursePairsFile.Describe(value)}; the audio must be finite");

    /// <summary>The most sample bytes a WAV file this workbook writes may hold: RIFF's sizes are 32-bit, and the header
    /// (at most 58 bytes for 32-bit float with its fact chunk) counts too; beyond, the sizes would wrap and the file
    /// could not be read back. (RF64 lifts the limit, but few programs read it; an hour of 48 kHz audio is 346 MB.)</summary>
    public const long MaxDataBytes = uint.MaxValue - 64;

    /// <summary>Refuses, before anything is written, a mono output of <paramref name="frames"/> samples that a WAV file cannot hold.</summary>
    /// <exception cref="IOException">the output would hold more than <see cref="MaxDataBytes"/> bytes of samples</exception>
    public static void RequireFitsInWav(long frames, WavSampleFormat format, string path)
    {
        int bytesPerSample = format == WavSampleFormat.Float32 ? 4 : 2;
        if (frames > MaxDataBytes / bytesPerSample)
            throw new IOException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{path}: {frames} samples of {8 * bytesPerSample}-bit audio take {(double)frames * bytesPerSample / (1L << 30):F1} GiB, ") +
                "more than a WAV file's 32-bit sizes can describe (4 GiB); split the input into shorter files");
    }

    /// <summary>
    /// Writes mono <paramref name="samples"/> at <paramref name="sampleRate"/> Hz. The file appears whole or not
    /// at all: the samples go to a temporary file in the same folder, which then replaces <paramref name="path"/>,
    /// so a crash or an error never leaves a half-written WAV (or destroys the previous one).
    /// </summary>
    /// <param name="samples">mono samples; PCM16 stores round(s·32768), limited to −32768…32767 (the scale <see cref="Read"/> divides by)</param>
    /// <exception cref="ArgumentException">a sample is NaN or infinite (a diverged network, say): nothing is written</exception>
    public static void Write(string path, float[] samples, int sampleRate, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "a sample rate must be positive");
        RequireFitsInWav(samples.LongLength, format, path);
        var waveFormat = format == WavSampleFormat.Float32
            ? WaveFormat.CreateIeeeFloatWaveFormat(sampleRate, 1)
            : new WaveFormat(sampleRate, 16, 1);
        AtomicFile.Write(path, stream =>
        {
            // NAudio 3 leaves a caller's stream open, so AtomicFile can flush it to disk before the rename.
            using var writer = new WaveFileWriter(stream, waveFormat);
            const int block = 8192;
            for (int start = 0; start < samples.Length; start += block)
            {
                int count = Math.Min(block, samples.Length - start);
                // Checked while writing, so that the temporary file, not the target, takes the damage.
                int bad = FirstNonFinite(samples.AsSpan(start, count));
                if (bad >= 0)
                    throw new ArgumentException($"{path}: sample {start + bad} is {samples[start + bad]}; refusing to write a WAV file with it", nameof(samples));
                WriteFrames(writer, samples.AsSpan(start, count), format);
            }
        });
    }

    /// <summary>The index of the first NaN or infinite sample, or −1; a vector at a time (x − x is 0 exactly for finite x).</summary>
    internal static int FirstNonFinite(ReadOnlySpan<float> samples)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(samples);
        int v = 0;
        while (v < vectors.Length && Vector.EqualsAll(vectors[v] - vectors[v], Vector<float>.Zero)) v++;
        for (int i = v * Vector<float>.Count; i < samples.Length; i++)
            if (!float.IsFinite(samples[i])) return i;
        return -1;
    }

    /// <summary>
    /// The one 16-bit scale of the workbook (<see cref="Pcm16Wave.ToInt16"/>): round(s·32768), limited to −32768…32767,
    /// the inverse of reading an integer as integer / 32768. So every value a 16-bit file can hold (k / 32768) is
    /// written back as the same integer, and −1 is exact; +1 and above become 32767.
    /// </summary>
    internal static short[] ToPcm16(ReadOnlySpan<float> samples)
    {
        var pcm = new short[samples.Length];
        ToPcm16(samples, pcm);
        return pcm;
    }

    /// <remarks>
    /// 16 samples at a time with 256-bit vectors where the CPU has them (one by one, an hour of audio takes a noticeable part of a second):
    /// the same arithmetic as <see cref="Pcm16Wave.ToInt16"/>, in double precision, where s·32768 and s·32768 ± 0.5 are
    /// exact, so truncating the latter rounds half away from zero exactly as <c>Math.Round</c> does (tested against it).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ToPcm16(ReadOnlySpan<float> samples, Span<short> pcm)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float from = ref MemoryMarshal.GetReference(samples);
            ref short to = ref MemoryMarshal.GetReference(pcm);
            for (; i + 16 <= samples.Length && i + 16 <= pcm.Length; i += 16)
            {
                var low = Scaled(Vector256.LoadUnsafe(ref from, (nuint)i));
                var high = Scaled(Vector256.LoadUnsafe(ref from, (nuint)(i + 8)));
                Vector256.Narrow(Vector256.ConvertToInt32(low), Vector256.ConvertToInt32(high)).StoreUnsafe(ref to, (nuint)i);
            }
        }
        for (; i < samples.Length; i++) pcm[i] = Pcm16Wave.ToInt16(samples[i]);

        // round(s·32768) limited to −32768…32767 as whole floats; NaN and infinities 0.
        static Vector256<float> Scaled(Vector256<float> s)
        {
            var (a, b) = Vector256.Widen(s);
            var rounded = Vector256.Narrow(Round(a), Round(b));
            return Vector256.ConditionalSelect(Vector256.Equals(s - s, Vector256<float>.Zero), rounded, Vector256<float>.Zero);
        }

        static Vector256<double> Round(Vector256<double> s)
        {
            var x = s * 32768.0;
            var r = Vector256.Truncate(x + Vector256.CopySign(Vector256.Create(0.5), x));
            return Vector256.Min(Vector256.Max(r, Vector256.Create((double)short.MinValue)), Vector256.Create((double)short.MaxValue));
        }
    }

    /// <summary>
    /// Appends mono <paramref name="samples"/> to <paramref name="writer"/> in <paramref name="format"/>, as bytes in one
    /// write (NAudio's <c>WriteSamples</c> hands them to the file one at a time, 172 million calls for an hour of 48 kHz
    /// audio). WAV files are little-endian; on a big-endian machine the samples go through NAudio.
    /// </summary>
    internal static void WriteFrames(WaveFileWriter writer, ReadOnlySpan<float> samples, WavSampleFormat format)
    {
        if (!BitConverter.IsLittleEndian)
        {
            if (format == WavSampleFormat.Float32) writer.WriteSamples(samples.ToArray(), 0, samples.Length);
            else writer.WriteSamples(ToPcm16(samples), 0, samples.Length);
            return;
        }
        if (format == WavSampleFormat.Float32)
        {
            writer.Write(MemoryMarshal.AsBytes(samples));
            return;
        }
        var pcm = System.Buffers.ArrayPool<short>.Shared.Rent(samples.Length);
        try
        {
            ToPcm16(samples, pcm);
            writer.Write(MemoryMarshal.AsBytes(pcm.AsSpan(0, samples.Length)));
        }
        finally
        {
            System.Buffers.ArrayPool<short>.Shared.Return(pcm);
        }
    }
}
