#:project ../src/Workbook/Workbook.csproj
#:property Nullable=enable
#:property PublishAot=false
#:property TreatWarningsAsErrors=true
// Where a training epoch of the lab's network goes: the phases of each SGD step (taking the batch, the forward pass,
// the loss, the backward pass, the optimiser's step) and the evaluation of 300 clips without gradients, as wall and
// CPU time per epoch, summed over epochs 2 to 4 (the first warms up). Synthetic clips of the lab's sizes (250 train,
// 16000 samples), so it needs no data. Compare two versions of the library by running it from two checkouts one
// after the other, several times: on a shared machine only the ratio measured in one window means anything.
//
//   dotnet run -c Release tools/epoch-phases.cs [-- THREADS]      (default: 1)
using System.Diagnostics;
using System.Globalization;
using Workbook.Networks;
using static TorchSharp.torch;

int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1;
set_num_threads(threads);
var process = Process.GetCurrentProcess();
manual_seed(1);
var noisy = randn(250, 1, 16000) * 0.1f;
var clean = randn(250, 1, 16000) * 0.1f;
using var cnn = new MimoCnn(CnnSpecification.LabDenoiser);
var optimizer = optim.SGD(cnn.parameters(), 0.5);
string[] phases = { "batch", "forward", "loss", "backward", "step", "evaluate 300 clips" };
var cpu = new double[phases.Length];
var wall = new double[phases.Length];
const int Epochs = 4;

for (int epoch = 1; epoch <= Epochs; epoch++)
{
    bool counted = epoch > 1;
    using var order = randperm(250);
    for (int b = 0; b < 250; b += 32)
    {
        using var scope = NewDisposeScope();
        var index = order.narrow(0, b, Math.Min(32, 250 - b));
        var (x, target) = Time(0, counted, () => (noisy.index_select(0, index), clean.index_select(0, index)));
        var y = Time(1, counted, () => cnn.call(x));
        var loss = Time(2, counted, () => nn.functional.l1_loss(y, target));
        optimizer.zero_grad();
        Time(3, counted, () => { loss.backward(); return 0; });
        Time(4, counted, () => optimizer.step());
    }
    GC.Collect(); // as the trainer does once an epoch: release the custom autograd nodes' native tensors
    Time(5, counted, () =>
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int c = 0; c < 300; c += 50) nn.functional.l1_loss(cnn.call(noisy.narrow(0, c % 250, 50)), clean.narrow(0, c % 250, 50)).item<float>();
        return 0;
    });
}

double total = 0;
for (int i = 0; i < phases.Length; i++)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{phases[i],-19} wall {wall[i] / (Epochs - 1),7:F1} ms/epoch   cpu {cpu[i] / (Epochs - 1),7:F1} ms/epoch"));
    total += wall[i] / (Epochs - 1);
}
string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch: {total:F1} ms wall; {threads} thread(s); load average {load}"));

T Time<T>(int phase, bool counted, Func<T> work)
{
    process.Refresh();
    var cpuBefore = process.TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    var result = work();
    watch.Stop();
    process.Refresh();
    if (counted)
    {
        wall[phase] += watch.Elapsed.TotalMilliseconds;
        cpu[phase] += (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
    }
    return result;
}
