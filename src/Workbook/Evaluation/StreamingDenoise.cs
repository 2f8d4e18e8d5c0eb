using System.Runtime.InteropServices;
using NAudio.Wave;
using Workbook.Data;
using Workbook.Networks;
using static TorchSharp.torch;
using Workbook.Files;

namespace Workbook.Evaluation;

/// <summary>
/// Denoises a WAV file of any length in bounded memory: the file is read, brought to the network's rate, denoised,
/// brought back and written block by block. Each block is denoised together with the last R − 1 samples before it
/// (R, the network's receptive field, Σ_l (K_l − 1) + 1), and those outputs are dropped: since the network is causal,
/// every output sample sees exactly the input it sees when the whole file is denoised at once, so the result is the
/// whole-file result up to float rounding. The lengths follow <see cref="WavAudio.Read"/> and
/// <see cref="AudioResampler.Resample"/>: round(N·16000/rate) samples at 16 kHz, and the output as long as the input.
/// A recording above the network's rate keeps its band above the network's Nyquist frequency, gated by how much the
/// network takes away below it (<see cref="BandSplit"/>).
/// </summary>
public static class StreamingDenoise
{
    /// <summary>
    /// Samples at the network's rate per block: 10 s at 16 kHz. Larger blocks save little time (the history is 78
    /// samples) and raise the peak memory, which grows with the block.
    /// </summary>
    public const int DefaultBlock = 10 * PairedClips.LabSampleRate;

    /// <summary>Writes the denoised <paramref name="input"/> to <paramref name="output"/> (atomically) and returns its frame count and rate.</summary>
    /// <param name="modelRate">the rate the network was trained at</param>
    public static (long Frames, int SampleRate) Run(MimoCnn network, int modelRate, string input, string output,
        WavSampleFormat format = WavSampleFormat.Pcm16, int block = DefaultBlock, HighBandGate highBand = HighBandGate.NoiseFloor) =>
        Run(network, (int)network.Specification.Taps.Sum(k => k - 1), modelRate, input, output, format, block, highBand);

    /// <summary>The same for any causal network that needs <paramref name="history"/> samples before a block (see
    /// <see cref="ModelFiles.TrainedNetwork.History"/>; for a network that works in frames, a whole number of frames, and
    /// <paramref name="block"/> a whole number of frames too, so that each block's frames fall where the whole file's do).
    /// <paramref name="highBand"/>: how the band above the network's is gated in a recording at a higher rate.</summary>
    public static (long Frames, int SampleRate) Run(nn.Module<Tensor, Tensor> network, int history, int modelRate, string input, string output,
        WavSampleFormat format = WavSampleFormat.Pcm16, int block = DefaultBlock, HighBandGate highBand = HighBandGate.NoiseFloor)
    {
        var opened = new List<IDisposable>();
        try
        {
            var source = Open(input, opened);
            int rate = source.WaveFormat.SampleRate;
            long frames = source.Frames;
            var result = rate <= modelRate
                ? Low(source, network, history, modelRate, block, frames, opened)
                // Above the network's rate, the band above its Nyquist frequency is kept and gated (see BandSplit): the
                // file is read three times, as it is, through the trip alone and through the network, in step.
                : new FullBand(source, Low(Open(input, opened), null, 0, modelRate, block, frames, opened),
                    Low(Open(input, opened), network, history, modelRate, block, frames, opened), rate, highBand);
            Write(result, output, format, rate);
            return (frames, rate);
        }
        finally
        {
            foreach (var disposable in opened) disposable.Dispose();
        }
    }

    private static WavSampleStream Open(string input, List<IDisposable> opened)
    {
        var stream = new WavSampleStream(input);
        opened.Add(stream);
        return stream;
    }

    /// <summary>
    /// The recording brought to the network's rate, through the network (none: the trip alone) and back, exactly
    /// <paramref name="frames"/> samples long.
    /// </summary>
    private static ISampleProvider Low(WavSampleStream source, nn.Module<Tensor, Tensor>? network, int history, int modelRate,
        int block, long frames, List<IDisposable> opened)
    {
        int rate = source.WaveFormat.SampleRate;
        long atModelRate = rate == modelRate ? frames : (long)Math.Round((double)frames * modelRate / rate, MidpointRounding.AwayFromZero);
        ISampleProvider toModel = rate == modelRate ? source : new PolyphaseResampler(source, modelRate);
        ISampleProvider denoised = new ExactLength(toModel, atModelRate);
        if (network != null)
        {
            // A network with a look-ahead runs causally, on the recording and as much silence after it as its output
            // lags (what its forward pass does to a whole file), and its first outputs, those from before the start,
            // are dropped.
            var lookAhead = network as ILookAhead;
            int latency = lookAhead?.Latency ?? 0;
            var networkBlocks = new NetworkSampleProvider(latency > 0 ? new ExactLength(denoised, atModelRate + latency) : denoised,
                network, lookAhead != null ? lookAhead.Delayed : network.call, block, history);
            opened.Add(networkBlocks);
            denoised = latency > 0 ? new ExactLength(new Skip(networkBlocks, latency), atModelRate) : networkBlocks;
        }
        ISampleProvider back = rate == modelRate
            ? denoised
            : new ExactLength(new PolyphaseResampler(denoised, rate),
                Math.Min(frames, (long)Math.Round((double)atModelRate * rate / modelRate, MidpointRounding.AwayFromZero)));
        return new ExactLength(back, frames);   // as long as the input, padded with zeros if resampling fell short
    }

    private static void Write(ISampleProvider result, string output, WavSampleFormat format, int rate)
    {
        var waveFormat = format == WavSampleFormat.Float32 ? WaveFormat.CreateIeeeFloatWaveFormat(rate, 1) : new WaveFormat(rate, 16, 1);
        AtomicFile.Write(output, stream =>
        {
            using var writer = new WaveFileWriter(stream, waveFormat);
            var buffer = new float[65536];
            long written = 0;
            int read;
            while ((read = result.Read(buffer)) > 0)
            {
                int bad = WavAudio.FirstNonFinite(buffer.AsSpan(0, read));
                if (bad >= 0)
                    throw new InvalidDataException($"{output}: output sample {written + bad} is {buffer[bad]} (is the model diverged?); nothing was written");
                WavAudio.WriteFrames(writer, buffer.AsSpan(0, read), format);
                written += read;
            }
        });
    }

    /// <summary>The recording, its trip to the network's rate and back, and the network's output, joined by <see cref="BandSplit"/>.</summary>
    private sealed class FullBand(ISampleProvider input, ISampleProvider lowIn, ISampleProvider lowOut, int rate, HighBandGate gate) : ISampleProvider
    {
        private readonly BandSplit split = new(rate, gate);
        private float[] x = [], l = [], lHat = [];

        public WaveFormat WaveFormat => input.WaveFormat;

        public int Read(Span<float> buffer)
        {
            if (x.Length < buffer.Length) (x, l, lHat) = (new float[buffer.Length], new float[buffer.Length], new float[buffer.Length]);
            // All three are exactly the recording's length (ExactLength), so they fill the same counts.
            int count = ReadFully(input, x.AsSpan(0, buffer.Length));
            if (ReadFully(lowIn, l.AsSpan(0, count)) != count || ReadFully(lowOut, lHat.AsSpan(0, count)) != count)
                throw new InvalidOperationException("the band split's three streams fell out of step");
            split.Join(x.AsSpan(0, count), l.AsSpan(0, count), lHat.AsSpan(0, count), buffer[..count]);
            return count;
        }

        private static int ReadFully(ISampleProvider source, Span<float> into)
        {
            int got = 0, read;
            while (got < into.Length && (read = source.Read(into[got..])) > 0) got += read;
            return got;
        }
    }

    /// <summary>The source without its first <c>count</c> samples.</summary>
    private sealed class Skip(ISampleProvider source, int count) : ISampleProvider
    {
        private int skipped;

        public WaveFormat WaveFormat => source.WaveFormat;

        public int Read(Span<float> buffer)
        {
            while (skipped < count)
            {
                int read = source.Read(buffer[..Math.Min(buffer.Length, count - skipped)]);
                if (read == 0) return 0;
                skipped += read;
            }
            return source.Read(buffer);
        }
    }

    /// <summary>Exactly <c>length</c> samples of the source: cut where it runs longer, zeros where it runs short.</summary>
    private sealed class ExactLength(ISampleProvider source, long length) : ISampleProvider
    {
        private long position;
        private bool sourceEnded;

        public WaveFormat WaveFormat => source.WaveFormat;

        public int Read(Span<float> buffer)
        {
            int wanted = (int)Math.Min(buffer.Length, length - position);
            int got = 0;
            while (!sourceEnded && got < wanted)
            {
                int read = source.Read(buffer[got..wanted]);
                if (read == 0) sourceEnded = true;
                got += read;
            }
            buffer[got..wanted].Clear();
            position += wanted;
            return wanted;
        }
    }

    /// <summary>The network applied block by block, each block with the receptive field's history in front.</summary>
    private sealed class NetworkSampleProvider : ISampleProvider, IDisposable
    {
        private readonly ISampleProvider source;
        private readonly nn.Module<Tensor, Tensor> network;
        private readonly Func<Tensor, Tensor> causal;   // the network as it runs in real time
        private readonly int block, history;
        // [the last R − 1 inputs (the first `kept` floats), this block]: one tensor for the whole file, read into in
        // place. A tensor made afresh from an array each block costs more than the copy itself, most of all in a fresh
        // process, whose new memory the system backs page by page on first touch.
        private readonly Tensor input;
        private readonly float[] pending;    // this block's outputs, reused
        private int kept, pendingStart, pendingLength;

        public NetworkSampleProvider(ISampleProvider source, nn.Module<Tensor, Tensor> network, Func<Tensor, Tensor> causal, int block, int history)
        {
            this.source = source;
            this.network = network;
            this.causal = causal;
            this.block = block;
            this.history = history;
            input = zeros(1, 1, history + block).DetachFromDisposeScope();
            pending = new float[block];
        }

        public void Dispose() => input.Dispose();

        private Span<float> Input => Fast.SimdConvolution.Floats(input);

        public WaveFormat WaveFormat => source.WaveFormat;

        /// <summary>Fills the whole buffer unless the input ends: NAudio's WDL resampler reads a short count as the end.</summary>
        public int Read(Span<float> buffer)
        {
            int filled = 0;
            while (filled < buffer.Length)
            {
                if (pendingStart == pendingLength && !NextBlock()) break;
                int count = Math.Min(buffer.Length - filled, pendingLength - pendingStart);
                pending.AsSpan(pendingStart, count).CopyTo(buffer[filled..]);
                pendingStart += count;
                filled += count;
            }
            return filled;
        }

        private bool NextBlock()
        {
            // The block is read straight behind the history: x = [last R − 1 inputs, this block].
            int got = 0;
            while (got < block)
            {
                int read = source.Read(Input.Slice(kept + got, block - got));
                if (read <= 0) break;
                got += read;
            }
            if (got == 0) return false;
            int length = kept + got;
            using (var scope = NewDisposeScope())
            using (no_grad())
            using (Fast.CollectorPause.Begin())   // TorchSharp's Scalars must outlive the calls that read them: see CollectorPause
            {
                var device = network.parameters().First().device;   // the network may live on a GPU
                var x = input.narrow(2, 0, length).to(device);
                using var y = causal(x).view(-1).cpu().contiguous();
                // The outputs of the history samples were computed before: keep this block's only.
                MemoryMarshal.Cast<byte, float>(y.bytes).Slice(kept, got).CopyTo(pending);
            }
            pendingStart = 0;
            pendingLength = got;
            // The next block's history: the last R − 1 inputs of this one, moved to the front.
            int keep = Math.Min(history, length);
            Input.Slice(length - keep, keep).CopyTo(Input);
            kept = keep;
            return true;
        }
    }
}
