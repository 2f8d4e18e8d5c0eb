using TorchSharp;
using Workbook.Data;
using Workbook.Evaluation;
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
        // Block by block, so that an hour of audio needs no more memory than a minute (see StreamingDenoise).
        var (frames, rate) = StreamingDenoise.Run(network, header.SampleRate, input, output, asFloat ? WavSampleFormat.Float32 : WavSampleFormat.Pcm16);
        Console.WriteLine($"wrote {output}: {frames} samples at {rate} Hz ({(asFloat ? "32-bit float" : "16-bit PCM")})");
        return 0;
    }
}
