#:project ../src/Workbook/Workbook.csproj
#:property Nullable=enable
#:property PublishAot=false
#:property TreatWarningsAsErrors=true
// The race behind notebook 05's CI failure ("Expected false to be true, but got false"): TorchSharp 0.107 wraps a number
// passed to libtorch (x.mul(2.0), and the alpha = 1 of every a + b) in a native Scalar that only a managed finalizer
// frees, and nothing keeps that managed object alive during the native call. Here the main thread calls x.mul(2.0) in
// a loop while a second thread allocates as fast as it can (a notebook kernel's threads allocate while a chart updates), so
// collections (and finalizers) run while the main thread is inside libtorch. A pause spans 1 000 calls (about
// 15 ms: the budget lasts even at this rate; when it runs out the runtime collects and the pause is over) and starts
// with a collection of its own. Three ways of calling, 20 s each:
//   bare    x.mul(2.0) as written: libtorch now and then reads a freed Scalar
//   held    using var two = 2.0.ToScalar(); x.mul(two): the variable keeps the Scalar alive
//   paused  x.mul(2.0) inside CollectorPause (no collection, so no finalizer, during the calls)
//
//   dotnet run -c Release tools/scalar-finalizer-race.cs [-- SECONDS]
using System.Diagnostics;
using TorchSharp;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Fast;

double seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20;
Workbook.Notebook.Setup();
Console.WriteLine($"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
foreach (var mode in new[] { "bare", "held", "paused" })
{
    bool stop = false;
    var churn = new Thread(() =>
    {
        while (!Volatile.Read(ref stop)) GC.KeepAlive(new byte[4096]);
    }) { IsBackground = true };
    churn.Start();
    using var x = ones(64);
    long calls = 0, failures = 0, collectionsBefore = GC.CollectionCount(0);
    string? first = null;
    var run = Stopwatch.StartNew();
    while (run.Elapsed.TotalSeconds < seconds)
    {
        using var pause = mode == "paused" ? CollectorPause.Begin() : null;
        for (int i = 0; i < 1_000; i++)
        {
            try
            {
                if (mode == "held")
                {
                    using var two = 2.0.ToScalar();
                    using var y = x.mul(two);
                }
                else
                {
                    using var y = x.mul(2.0);
                }
                calls++;
            }
            catch (System.Runtime.InteropServices.ExternalException e)
            {
                failures++;
                first ??= e.Message.Split('\n')[0];
            }
        }
    }
    Volatile.Write(ref stop, true);
    churn.Join();
    Console.WriteLine($"{mode,-7} {calls,9} calls  {failures,5} failed  {GC.CollectionCount(0) - collectionsBefore,6} collections{(first is null ? "" : $"  first: {first}")}");
}
