using Workbook.Training;
using static TorchSharp.torch;

namespace Workbook.Tests.Training;

public class ThreadsTests
{
    [Fact]
    public void The_fastest_candidate_is_chosen_and_set()
    {
        int before = get_num_threads();
        try
        {
            // Work that is slow with one thread and fast with two: the choice must follow the measurement.
            var (chosen, seconds) = Threads.ChooseFastest(() => Thread.Sleep(get_num_threads() == 1 ? 40 : 1), new[] { 1, 2 });
            Assert.Equal(2, chosen);
            Assert.Equal(2, get_num_threads());
            Assert.True(seconds[1] > seconds[2]);
            (chosen, _) = Threads.ChooseFastest(() => Thread.Sleep(get_num_threads() == 1 ? 1 : 40), new[] { 1, 2 });
            Assert.Equal(1, chosen);
        }
        finally { set_num_threads(before); }
    }

    [Fact]
    public void A_fixed_count_is_used_as_given()
    {
        int before = get_num_threads();
        try
        {
            using var train = SyntheticPairs.LowPassPlusWhiteNoise(8, 100, seed: 1);
            using var test = SyntheticPairs.LowPassPlusWhiteNoise(4, 100, seed: 2);
            var (model, history) = new Trainer(new TrainingOptions { Epochs = 1, BatchSize = 4, Threads = 1 })
                .Train(new Workbook.Networks.CnnSpecification(new long[] { 3 }, new long[] { 1, 1 }), train, test);
            model.Dispose();
            Assert.Equal("1 thread (fixed)", history.ThreadChoice);
            Assert.Equal(1, get_num_threads());
        }
        finally { set_num_threads(before); }
    }
}

public class DevicesTests
{
    [Fact]
    public void Cpu_resolves_and_an_unavailable_gpu_says_what_to_install()
    {
        Assert.Equal(TorchSharp.DeviceType.CPU, Devices.Resolve("cpu").type);
        if (!cuda.is_available())
        {
            var e = Assert.Throws<ArgumentException>(() => Devices.Resolve("cuda"));
            Assert.Contains("TorchSharp-cuda", e.Message);
        }
        Assert.Contains("unknown device 'gpu0'", Assert.Throws<ArgumentException>(() => Devices.Resolve("gpu0")).Message);
    }
}

public class OpenMpWaitPolicyTests
{
    [Fact]
    public void OpenMp_threads_are_told_to_sleep_unless_the_user_chose()
    {
        // libgomp reads the C library's environment (getenv), which .NET's own copy does not change on Linux: both are checked.
        string? before = Environment.GetEnvironmentVariable(OpenMpWaitPolicy.Variable);
        try
        {
            Environment.SetEnvironmentVariable(OpenMpWaitPolicy.Variable, "ACTIVE");
            OpenMpWaitPolicy.PreferSleepingThreads();
            Assert.Equal("ACTIVE", Environment.GetEnvironmentVariable(OpenMpWaitPolicy.Variable));
            Environment.SetEnvironmentVariable(OpenMpWaitPolicy.Variable, null);
            OpenMpWaitPolicy.PreferSleepingThreads();
            Assert.Equal("PASSIVE", Environment.GetEnvironmentVariable(OpenMpWaitPolicy.Variable));
            if (OperatingSystem.IsLinux())
                Assert.Equal("PASSIVE", System.Runtime.InteropServices.Marshal.PtrToStringUTF8(NativeGetEnvironment(OpenMpWaitPolicy.Variable)));
        }
        finally { Environment.SetEnvironmentVariable(OpenMpWaitPolicy.Variable, before); }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr NativeGetEnvironment(string name);
}
