using System.CommandLine;
using TorchSharp;
using Workbook.Data;
using Workbook.Evaluation;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Files;
using Workbook.ModelFiles;

namespace Workbook.Cli;

/// <summary>
/// <c>denoise</c>: runs a trained model on one WAV file (any supported format and rate) and writes the result at
/// the input's sample rate and length. The input file is never overwritten.
/// </summary>
internal static class DenoiseCommand
{
    public static Command Create()
    {
        var model = EvaluateCommand.ModelOption();
        var input = new Argument<string>("IN.wav") { Description = "8/16/24/32-bit PCM or 32-bit float, mono or stereo, any rate", Arity = ArgumentArity.ZeroOrOne };
        var output = Options.Text("--out", null, "the denoised WAV [default: IN-denoised.wav beside the input]", "OUT.wav", "-o");
        var asFloat = Options.Switch("--float", "write 32-bit float samples instead of 16-bit PCM");
        var highBand = Options.Text("--high-band", "gate",
            "above 16 kHz, the band above 8 kHz: gate: turned down as the network turns the low band down, and where it holds only its steady noise; follow: as the network alone (a network that changes nothing then changes nothing)",
            "gate|follow");
        highBand.AcceptOnlyFromAmong("gate", "follow");
        var device = Options.Device();
        var threads = Options.Threads();
        var command = new Command("denoise", "denoise a WAV file into a WAV of the same length and rate") { input, model, output, asFloat, highBand, device, threads };
        command.SetAction(parsed =>
        {
            string modelPath = parsed.GetValue(model) ?? throw new UsageException("denoise needs --model FILE (written by train, or a PyTorch state_dict)");
            string inputPath = parsed.GetValue(input) ?? throw new UsageException("denoise needs one input WAV file");
            var on = UsageException.Checked(() => Devices.Resolve(parsed.GetValue(device)!));
            ThreadPolicy.Apply(parsed.GetValue(threads));
            var gate = parsed.GetValue(highBand) == "follow" ? HighBandGate.FollowNetwork : HighBandGate.NoiseFloor;
            return Run(modelPath, inputPath, parsed.GetValue(output), parsed.GetValue(asFloat), gate, on);
        });
        return command;
    }

    private static int Run(string model, string input, string? output, bool asFloat, HighBandGate highBand, Device device)
    {
        output ??= Path.Combine(Path.GetDirectoryName(input) ?? "", Path.GetFileNameWithoutExtension(input) + "-denoised.wav");
        // Before the work: the output must be a regular file in a writable folder, and neither the input nor the
        // model, however the paths are spelt (symlinks, hard links, symlinked folders).
        OutputFile.Prepare(output, input, model);
        // The output is as long as the input: one that a WAV file cannot hold is refused before the model is even read.
        using (var header = WavAudio.Open(input))
            WavAudio.RequireFitsInWav(header.Length / header.WaveFormat.BlockAlign, asFloat ? WavSampleFormat.Float32 : WavSampleFormat.Pcm16, output);

        using var trained = ModelSource.LoadNetwork(model);
        trained.Network.to(device);
        // Block by block, so that an hour of audio needs no more memory than a minute (see StreamingDenoise).
        var (frames, rate) = StreamingDenoise.Run(trained.Network, (int)trained.History, trained.SampleRate, input, output,
            asFloat ? WavSampleFormat.Float32 : WavSampleFormat.Pcm16, highBand: highBand);
        Console.WriteLine($"wrote {output}: {frames} samples at {rate} Hz ({(asFloat ? "32-bit float" : "16-bit PCM")})");
        return 0;
    }
}
