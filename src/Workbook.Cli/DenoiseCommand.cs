using TorchSharp;
using Workbook.Data;
using Workbook.Training;
using static TorchSharp.torch;

namespace Workbook.Cli;

/// <summary>
/// <c>denoise</c>: runs a trained model on one WAV file (any supported format and rate) and writes the result at
/// the input's sample rate and length. The input file is never overwritten.
/// </summary>
internal static class DenoiseCommand
{
    public static int Run(Arguments arguments)
    {
        string model = arguments.Text("model") ?? throw new UsageException("denoise needs --model FILE (written by train)");
        string? output = arguments.Text("o");
        bool asFloat = arguments.Has("float");
        var device = UsageException.Checked(() => Devices.Resolve(arguments.Text("device", "cpu")));
        ThreadPolicy.Apply(arguments.Integer("threads", 0, minimum: 0));
        arguments.RejectUnknown(maxPositional: 1);
        if (arguments.Positional.Count != 1) throw new UsageException("denoise needs one input WAV file");
        string input = arguments.Positional[0];
        output ??= Path.Combine(Path.GetDirectoryName(input) ?? "", Path.GetFileNameWithoutExtension(input) + "-denoised.wav");
        // Before the work: the output must be a regular file in a writable folder, and neither the input nor the
        // model, however the paths are spelt (symlinks, hard links, symlinked folders).
        OutputFile.Prepare(output, input, model);

        var (network, header) = ModelFile.Load(model);
        using var _ = network;
        network.to(device);
        var recording = WavAudio.Read(input);
        if (header.SampleRate != recording.SampleRate)
            throw new InvalidDataException($"{model} was trained at {header.SampleRate} Hz but audio is read at {recording.SampleRate} Hz");
        float[] denoised;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var x = tensor(recording.Samples).view(1, 1, -1).to(device);
            denoised = network.call(x).view(-1).cpu().data<float>().ToArray();
        }
        var atInputRate = AudioResampler.Resample(denoised, recording.SampleRate, recording.OriginalSampleRate);
        Array.Resize(ref atInputRate, recording.OriginalLength); // resampling may round the length by a sample
        WavAudio.Write(output, atInputRate, recording.OriginalSampleRate, asFloat ? WavSampleFormat.Float32 : WavSampleFormat.Pcm16);
        Console.WriteLine($"wrote {output}: {recording.OriginalLength} samples at {recording.OriginalSampleRate} Hz ({(asFloat ? "32-bit float" : "16-bit PCM")})");
        return 0;
    }
}
