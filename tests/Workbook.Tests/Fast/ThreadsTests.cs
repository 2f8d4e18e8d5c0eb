using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Tests.Fast;

public class ThreadsTests
{
    [Fact]
    public void The_trial_sets_the_count_whose_steps_were_fastest_per_clip()
    {
        int before = get_num_threads();
        try
        {
            foreach (int fast in new[] { 1, 2 })
            {
                var trial = new ThreadTrial(new[] { 1, 2 }, rounds: 3);
                int steps = 0;
                while (trial.Chosen == null)
                {
                    trial.BeforeStep();
                    int threads = get_num_threads();
                    // Steps of 32 clips, timed as the trainer times them; one count is 1.5 times slower, the other's
                    // best comes in the last round.
                    double ms = threads == fast ? (steps >= 5 ? 40 : 50) : 60;
                    trial.AfterStep(TimeSpan.FromMilliseconds(ms), clips: 32);
                    steps++;
                }
                Assert.Equal(1 + 2 * 3, steps);       // an untimed first step, then three rounds: never decisive
                Assert.Equal(fast, trial.Chosen);
                Assert.Equal(fast, get_num_threads());
                Assert.Equal(0.040, trial.SecondsPerStep[fast], 9);
                Assert.Equal(0.060, trial.SecondsPerStep[3 - fast], 9);
                Assert.Contains($"{fast} thread", trial.Describe());
                trial.BeforeStep();                     // after the trial, steps no longer change the count
                Assert.Equal(fast, get_num_threads());
            }
        }
        finally { set_num_threads(before); }
    }

    [Fact]
    public void A_count_more_than_twice_as_slow_ends_the_trial_after_one_round()
    {
        int before = get_num_threads();
        try
        {
            var trial = new ThreadTrial(new[] { 1, 2 }, rounds: 3);
            for (int step = 0; step < 3; step++)            // untimed, then one round: 1 thread 150 ms, 2 threads 1000 ms
            {
                Assert.Null(trial.Chosen);
                trial.BeforeStep();
                trial.AfterStep(TimeSpan.FromMilliseconds(get_num_threads() == 1 ? 150 : 1000), 32);
            }
            Assert.Equal(1, trial.Chosen);
            Assert.Equal(1, get_num_threads());
        }
        finally { set_num_threads(before); }
    }

    [Fact]
    public void The_trial_compares_time_per_clip_and_ignores_the_first_step()
    {
        int before = get_num_threads();
        try
        {
            var trial = new ThreadTrial(new[] { 1, 2 }, rounds: 1);
            // The untimed first step (1 thread, compiling code) would count against 1 thread; per clip, 1 thread is faster:
            // 1 thread, 32 clips in 64 ms (2 ms a clip); 2 threads, a short last batch of 10 clips in 30 ms (3 ms a clip).
            var steps = new (int Clips, double Ms)[] { (32, 5000), (32, 64), (10, 30) };
            foreach (var (clips, ms) in steps)
            {
                trial.BeforeStep();
                trial.AfterStep(TimeSpan.FromMilliseconds(ms), clips);
            }
            Assert.Equal(1, trial.Chosen);
            Assert.Equal(0.096, trial.SecondsPerStep[2], 9);    // scaled to a batch of 32, the first timed step's size
        }
        finally { set_num_threads(before); }
    }

    [Fact]
    public void A_run_shorter_than_the_trial_ends_it_with_what_was_measured()
    {
        int before = get_num_threads();
        try
        {
            var trial = new ThreadTrial(new[] { 1, 2 });
            for (int step = 0; step < 2; step++)            // untimed, then 1 thread timed
            {
                trial.BeforeStep();
                trial.AfterStep(TimeSpan.FromMilliseconds(10), 4);
            }
            Assert.Null(trial.Chosen);
            trial.Finish();
            Assert.Equal(1, trial.Chosen);
            Assert.Equal(1, get_num_threads());
            Assert.Equal(5, new ThreadTrial(new[] { 5 }).Chosen);   // one candidate: nothing to try
        }
        finally { set_num_threads(before); }
    }

    [Fact]
    public void Training_chooses_the_count_without_a_pause_and_reports_it()
    {
        int before = get_num_threads();
        string? variable = Environment.GetEnvironmentVariable(Threads.Variable);
        try
        {
            Environment.SetEnvironmentVariable(Threads.Variable, null);
            using var train = SyntheticPairs.LowPassPlusWhiteNoise(16, 100, seed: 1);
            using var test = SyntheticPairs.LowPassPlusWhiteNoise(4, 100, seed: 2);
            var (model, history) = new Trainer(new TrainingOptions { Epochs = 3, BatchSize = 4 })
                .Train(new Workbook.Networks.CnnSpecification(new long[] { 3 }, new long[] { 1, 1 }), train, test);
            model.Dispose();
            if (Threads.Candidates.Count > 1)
                Assert.Matches(@"^\d+ threads? \(measured on the first training steps, per batch of 4: \d+: \d+ ms, \d+: \d+ ms", history.ThreadChoice);
            Assert.Contains(get_num_threads(), Threads.Candidates);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Threads.Variable, variable);
            set_num_threads(before);
        }
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
