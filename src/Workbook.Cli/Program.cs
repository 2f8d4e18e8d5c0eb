using Workbook.Cli;

// The workbook's command line. Each verb is one small class; this file only dispatches and reports errors.
const string Usage = """
usage: workbook <verb> [options]

verbs:
  demo        build the lab's [1,5,1]/[40,40] MIMO CNN and run it on a random [32,1,16000] batch
  run         [NOTEBOOK...] [--out DIR] [--timeout-minutes 10]: execute the notebooks headless, write artifacts/notebooks/
  exercises   [--out DIR]: write the student versions of the notebooks (default notebooks/exercises/)
  grade       SUBMISSION... [--out DIR] [--timeout-minutes 5]: grade folders of students' notebooks against notebooks/;
              writes DIR/grades.csv, DIR/grades.json and DIR/SUBMISSION/feedback.html (default DIR: artifacts/grades)
  train       train the denoiser (lab Task 4)
              [--data PATH] [--epochs 20] [--lr 0.5] [--batch-size 32] [--taps 40,40] [--features 1,5,1]
              [--seed 1] [--test-count 50] [--out DIR] [--device cpu] [--threads N] [--tanh-every-layer]
              PATH: a course .pt file, a folder with noisy/ and clean/ WAVs, or nothing for the bundled set
              writes DIR/model.cnn, history.csv, loss.html together on success; one run per DIR at a time
              diverged (a NaN/infinite loss, or test L1 above 10x the identity's 3 epochs running or at the end):
              exit 1, keeps DIR/diverged-history.csv, leaves the previous model untouched
  evaluate    compare the model with the identity and the least-squares FIR filter on the test clips
              --model FILE [--data PATH] [--fir-taps 80] [--device cpu] [--threads N]
  denoise     denoise a WAV file (any rate, 8/16/24/32-bit PCM or float, mono or stereo)
              --model FILE IN.wav [-o OUT.wav] [--float] [--device cpu] [--threads N]
  bench       time the Task 4 workload: cold (a fresh train process per run) and warm, for each convolution algorithm
              [--cold-runs 3] [--repeats 5] [--full-reference]
              or, with --grading [--submissions 1], time the grader on complete submissions
              or, with --long-audio MINUTES [--threads 1], time denoise on a 48 kHz stereo file of that length
""";

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

try
{
    var rest = new Arguments(args.Skip(1), new Dictionary<string, string> { ["-o"] = "--o" });
    return args[0] switch
    {
        "demo" => DemoCommand.Run(rest),
        "bench" => BenchCommand.Run(rest),
        "train" => TrainCommand.Run(rest),
        "evaluate" => EvaluateCommand.Run(rest),
        "denoise" => DenoiseCommand.Run(rest),
        "run" => RunCommand.Run(rest),
        "exercises" => ExercisesCommand.Run(rest),
        "grade" => GradeCommand.Run(rest),
        _ => throw new UsageException($"unknown verb '{args[0]}'"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"workbook: {VerbUsage.OneLine(e.Message)}");
    Console.Error.WriteLine(VerbUsage.For(Usage, args[0]));
    return 2;
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException or NotSupportedException)
{
    Console.Error.WriteLine($"workbook: {VerbUsage.OneLine(e.Message)}");
    return 1;
}
catch (Exception e)
{
    // Anything else is a bug or an environment problem; still one line, with the exception's type to report it by.
    Console.Error.WriteLine($"workbook: unexpected {e.GetType().Name}: {VerbUsage.OneLine(e.Message)}");
    return 1;
}
