using Workbook.Cli;

// The workbook's command line. Each verb is one small class; this file only dispatches and reports errors.
const string Usage = """
usage: workbook <verb> [options]

verbs:
  demo        build the lab's [1,5,1]/[40,40] MIMO CNN and run it on a random [32,1,16000] batch
  run         [NOTEBOOK...] [--out DIR] [--timeout-minutes 10]: execute the notebooks headless, write artifacts/notebooks/
""";

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

try
{
    var rest = new Arguments(args.Skip(1));
    return args[0] switch
    {
        "demo" => DemoCommand.Run(rest),
        "run" => RunCommand.Run(rest),
        _ => throw new UsageException($"unknown verb '{args[0]}'"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"workbook: {e.Message}");
    Console.Error.WriteLine(Usage);
    return 2;
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException or NotSupportedException)
{
    Console.Error.WriteLine($"workbook: {e.Message}");
    return 1;
}
