using System.CommandLine;
using System.Globalization;

namespace Workbook.Cli;

/// <summary>
/// <c>maintainer grading|long-audio</c>: the benchmarks the workbook's maintainers run before a release, apart from
/// the verbs students use and marked as such in the help. <c>bench</c> stays the timing of the lab's Task 4.
/// </summary>
internal static class MaintainerCommand
{
    public static Command Create() => new("maintainer", "for the workbook's maintainers, not the lab: time the grader, or denoise on long audio")
    {
        Subcommands = { Grading(), LongAudio() },
    };

    private static Command Grading()
    {
        var submissions = Options.WholeNumber("--submissions", 1, "how many complete submissions to grade, one after the other", minimum: 1);
        var command = new Command("grading", "time the grader on copies of the instructor's notebooks (every check and the training run)") { submissions };
        command.SetAction(parsed => GradingBench.Run(parsed.GetValue(submissions)));
        return command;
    }

    private static Command LongAudio()
    {
        var minutes = new Argument<double>("MINUTES") { Description = "the length of the 16-bit WAV to denoise" };
        var threads = Options.WholeNumber("--threads", 1, "libtorch threads (0: libtorch's choice)", minimum: 0);
        var rate = Options.WholeNumber("--rate", 48000, "the file's sample rate in Hz", minimum: 1);
        var channels = Options.WholeNumber("--channels", 2, "the file's channels", minimum: 1);
        var command = new Command("long-audio", "time denoise (streaming) on a WAV of MINUTES minutes, 48 kHz stereo unless told otherwise")
            { minutes, threads, rate, channels };
        command.SetAction(parsed =>
        {
            double length = parsed.GetValue(minutes);
            if (!(length > 0)) throw new UsageException($"MINUTES must be a positive number, not {length.ToString(CultureInfo.InvariantCulture)}");
            return LongAudioBench.Run(length, parsed.GetValue(threads), parsed.GetValue(rate), parsed.GetValue(channels));
        });
        return command;
    }
}
