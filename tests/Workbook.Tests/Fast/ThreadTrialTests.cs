using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Fast;

namespace Workbook.Tests.Fast;

/// <summary>
/// The thread trial driven by fake step times (no training): its schedule, the early end when one count is decisively
/// faster, <see cref="ThreadTrial.Finish"/> with and without timings, and <see cref="ThreadTrial.Describe"/>'s texts.
/// Every test restores libtorch's thread count.
/// </summary>
public sealed class ThreadTrialTests : IDisposable
{
    private readonly int threadsBefore = get_num_threads();

    public void Dispose() => set_num_threads(threadsBefore);

    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    /// <summary>One step: the count the trial sets, then the fake time it took.</summary>
    private static int Step(ThreadTrial trial, double milliseconds, int clips = 1)
    {
        trial.BeforeStep();
        int used = get_num_threads();
        trial.AfterStep(Ms(milliseconds), clips);
        return used;
    }

    [Fact]
    public void The_candidates_take_turns_after_one_untimed_step_and_the_fastest_is_set()
    {
        var trial = new ThreadTrial([1, 2], rounds: 2);
        var used = new List<int>();
        foreach (double ms in new[] { 1.0, 30, 20, 30, 20 })
        {
            Assert.Null(trial.Chosen);
            used.Add(Step(trial, ms, clips: 32));
        }
        Assert.Equal([1, 1, 2, 1, 2], used);
        Assert.Equal(2, trial.Chosen);
        Assert.Equal(2, get_num_threads());
        // The untimed first step (1 ms) is not a measurement; time per clip is scaled to the first timed batch.
        Assert.Equal(32, trial.ReferenceClips);
        Assert.Equal(30e-3, trial.SecondsPerStep[1], 12);
        Assert.Equal("2 threads (measured on the first training steps, per batch of 32: 1: 30 ms, 2: 20 ms)", trial.Describe());

        Step(trial, 1);                                   // over: later steps change nothing
        Assert.Equal(2, trial.Chosen);
        trial.Finish();
        Assert.Equal(2, trial.Chosen);
    }

    [Fact]
    public void Steps_of_no_clips_are_not_timed()
    {
        var trial = new ThreadTrial([1, 2], rounds: 2);
        Step(trial, 5, clips: 7);                         // untimed
        Step(trial, 50, clips: 0);                        // count 1, nothing to divide by
        Step(trial, 40, clips: 4);                        // count 2: 10 ms per clip
        Step(trial, 8, clips: 1);                         // count 1: 8 ms per clip
        Step(trial, 40, clips: 4);
        Assert.Equal(4, trial.ReferenceClips);
        Assert.Equal(1, trial.Chosen);
        Assert.Equal("1 thread (measured on the first training steps, per batch of 4: 1: 32 ms, 2: 40 ms)", trial.Describe());
    }

    [Fact]
    public void A_round_with_one_count_more_than_twice_as_fast_ends_the_trial()
    {
        var trial = new ThreadTrial([1, 2, 3], rounds: 3);
        Step(trial, 1);
        Step(trial, 10); Step(trial, 10); Step(trial, 10);   // round 1: no difference
        Step(trial, 1);                                      // count 1 now 10 times as fast, but the round is not over
        Assert.Null(trial.Chosen);
        Step(trial, 10);
        Assert.Null(trial.Chosen);
        Step(trial, 10);                                     // the round is over: decisive
        Assert.Equal(1, trial.Chosen);
        Assert.Equal(1, get_num_threads());
    }

    [Fact]
    public void Exactly_twice_as_fast_is_not_decisive()
    {
        var trial = new ThreadTrial([1, 2], rounds: 2);
        Step(trial, 1);
        Step(trial, 20); Step(trial, 10);
        Assert.Null(trial.Chosen);
        Step(trial, 20); Step(trial, 10);
        Assert.Equal(2, trial.Chosen);
    }

    [Fact]
    public void A_count_not_yet_timed_keeps_the_trial_going()
    {
        // Count 3's step trained no clips: two counts were timed, and one being fast decides nothing about the third.
        var trial = new ThreadTrial([1, 2, 3], rounds: 2);
        Step(trial, 1);
        Step(trial, 1); Step(trial, 100); Step(trial, 100, clips: 0);
        Assert.Null(trial.Chosen);
    }

    [Fact]
    public void Finishing_without_timings_keeps_the_count_last_used()
    {
        var early = new ThreadTrial([2, 1]);
        early.Finish();
        Assert.Equal(2, early.Chosen);
        Assert.Equal("2 threads (too few training steps to measure)", early.Describe());

        var untimed = new ThreadTrial([3, 2, 1], rounds: 1);
        Step(untimed, 1);
        Step(untimed, 5, clips: 0);
        Step(untimed, 5, clips: 0);                        // the last step ran on 2 threads
        untimed.Finish();
        Assert.Equal(2, untimed.Chosen);
        Assert.Equal(2, get_num_threads());
    }

    [Fact]
    public void Finishing_with_timings_takes_the_fastest_so_far()
    {
        var trial = new ThreadTrial([1, 2, 3], rounds: 2);
        Step(trial, 1);
        Step(trial, 30); Step(trial, 20);
        trial.Finish();
        Assert.Equal(2, trial.Chosen);
        Assert.Equal("2 threads (measured on the first training steps, per batch of 1: 1: 30 ms, 2: 20 ms)", trial.Describe());
    }

    [Fact]
    public void One_candidate_is_chosen_at_once()
    {
        set_num_threads(2);
        var trial = new ThreadTrial([1, 1]);
        Assert.Equal(1, trial.Chosen);
        Assert.Equal(1, get_num_threads());
        trial.Finish();
        Assert.Equal(1, trial.Chosen);
        int cores = Environment.ProcessorCount;
        Assert.Equal($"1 thread (the only candidate on {cores} core{(cores == 1 ? "" : "s")})", trial.Describe());
    }

    [Fact]
    public void Arguments_and_an_unfinished_trial_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new ThreadTrial([]));
        Assert.Equal("candidates", e.ParamName);
        Assert.StartsWith("no thread counts to try", e.Message);
        var rounds = Assert.Throws<ArgumentOutOfRangeException>(() => new ThreadTrial([1, 2], rounds: 0));
        Assert.Equal("rounds", rounds.ParamName);
        Assert.StartsWith("at least one timed round", rounds.Message);
        Assert.Equal("the trial is not over", Assert.Throws<InvalidOperationException>(() => new ThreadTrial([1, 2]).Describe()).Message);
        var use = Assert.Throws<ArgumentOutOfRangeException>(() => Threads.Use(0));
        Assert.StartsWith("the thread count must be at least 1", use.Message);
    }

    [Fact]
    public void A_fixed_count_is_described_and_no_trial_started()
    {
        var history = new TrainingHistory();
        Assert.Null(ThreadTrial.Start(2, history));
        Assert.Equal("2 threads (fixed)", history.ThreadChoice);
        Assert.Equal(2, get_num_threads());
    }

    [Fact]
    public void The_candidates_are_one_thread_half_the_cores_and_every_core()
    {
        int cores = Environment.ProcessorCount;
        Assert.Equal(new[] { 1, Math.Max(1, cores / 2), cores }.Distinct(), Threads.Candidates);
        Assert.All(Threads.Candidates, count => Assert.InRange(count, 1, cores));
    }

    [Fact]
    public void Only_a_positive_count_in_the_environment_fixes_the_thread_count()
    {
        // Values that fix nothing, so a test running meanwhile sees what it would with the variable unset.
        string? before = Environment.GetEnvironmentVariable(Threads.Variable);
        try
        {
            foreach (string value in new[] { "0", "-1", "two" })
            {
                Environment.SetEnvironmentVariable(Threads.Variable, value);
                Assert.Null(Threads.FromEnvironment);
            }
        }
        finally { Environment.SetEnvironmentVariable(Threads.Variable, before); }
    }
}
