using System.Globalization;
using Workbook.Training;

namespace Workbook.Fast;

/// <summary>
/// Chooses libtorch's thread count from the training steps themselves, so that choosing costs no pause before the
/// first epoch. After one untimed step (the very first pays for compiling code), the steps take turns with each
/// candidate count (<see cref="Threads.Candidates"/>) for up to <see cref="Rounds"/> rounds, each count keeping its
/// best time per clip, so a moment in which the other core happened to be busy (or idle) does not decide alone. A
/// round after which one count is more than twice as fast as every other ends the trial early: on a loaded machine,
/// where two threads can be several times slower than one, that limits the slow steps to one. Then the fastest count
/// is set for the rest of the run. With the lab's 250 clips in batches of 32 this is at most the first epoch's first 7
/// batches; all of them train the network as usual, only some at the slower count.
/// </summary>
/// <example>
/// <code>
/// var trial = new ThreadTrial(Threads.Candidates);
/// foreach (var batch in batches) { trial.BeforeStep(); var clock = Stopwatch.StartNew(); Step(batch); trial.AfterStep(clock.Elapsed, batch.Length); }
/// </code>
/// </example>
public sealed class ThreadTrial
{
    /// <summary>
    /// Applies a fixed thread count (<paramref name="requested"/>, else <see cref="Threads.FromEnvironment"/>), says so in
    /// <paramref name="history"/> and returns null; or returns the trial that chooses the count from the first training
    /// steps: no pause before the first epoch.
    /// </summary>
    public static ThreadTrial? Start(int? requested, TrainingHistory history)
    {
        if ((requested ?? Threads.FromEnvironment) is not int fixedCount) return new ThreadTrial(Threads.Candidates);
        Threads.Use(fixedCount);
        history.ThreadChoice = $"{fixedCount} thread{(fixedCount == 1 ? "" : "s")} (fixed)";
        return null;
    }

    /// <summary>Timed rounds per candidate after its untimed first step.</summary>
    public int Rounds { get; }

    private readonly IReadOnlyList<int> candidates;
    private readonly Dictionary<int, double> bestSecondsPerClip = new();
    private readonly List<int> schedule = new();
    private int step;
    private int? current;

    /// <param name="candidates">the thread counts to try, in turn (at least one)</param>
    /// <param name="rounds">timed steps per candidate</param>
    public ThreadTrial(IReadOnlyList<int> candidates, int rounds = 3)
    {
        if (candidates.Count == 0) throw new ArgumentException("no thread counts to try", nameof(candidates));
        if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds), rounds, "at least one timed round");
        this.candidates = candidates.Distinct().ToArray();
        Rounds = rounds;
        if (this.candidates.Count == 1)
        {
            Chosen = this.candidates[0];
            Threads.Use(Chosen.Value);
            return;
        }
        schedule.Add(this.candidates[0]);                                     // untimed: the first step compiles code
        for (int round = 0; round < rounds; round++) schedule.AddRange(this.candidates);
    }

    /// <summary>The count chosen, once the trial is over (at once when there is one candidate).</summary>
    public int? Chosen { get; private set; }

    /// <summary>Each candidate's best time per step of <see cref="ReferenceClips"/> clips, in seconds (those timed so far).</summary>
    public IReadOnlyDictionary<int, double> SecondsPerStep =>
        bestSecondsPerClip.ToDictionary(pair => pair.Key, pair => pair.Value * ReferenceClips);

    /// <summary>The batch size the reported step times are scaled to (the first timed step's).</summary>
    public int ReferenceClips { get; private set; } = 1;

    /// <summary>Sets the thread count for the next step (nothing once the trial is over).</summary>
    public void BeforeStep()
    {
        if (Chosen != null) return;
        current = schedule[step];
        Threads.Use(current.Value);
    }

    /// <summary>Records how long the step took and how many clips it trained on; after the last trial step, sets the fastest count.</summary>
    public void AfterStep(TimeSpan elapsed, int clips)
    {
        if (Chosen != null || current is not int count) return;
        if (step >= 1 && clips > 0)
        {
            if (bestSecondsPerClip.Count == 0) ReferenceClips = clips;
            double perClip = elapsed.TotalSeconds / clips;
            bestSecondsPerClip[count] = Math.Min(bestSecondsPerClip.GetValueOrDefault(count, double.MaxValue), perClip);
        }
        step++;
        current = null;
        bool roundDone = step > 1 && (step - 1) % candidates.Count == 0;
        if (step == schedule.Count || (roundDone && Decisive())) Finish();
    }

    /// <summary>True when one count's best time is less than half of every other count's best.</summary>
    private bool Decisive()
    {
        var best = bestSecondsPerClip.Values.Order().ToArray();
        return best.Length == candidates.Count && best.Length > 1 && best[0] * DecisiveFactor < best[1];
    }

    /// <summary>How many times faster one count must be than all others to end the trial after a round.</summary>
    public const double DecisiveFactor = 2;

    /// <summary>
    /// Ends the trial with what was measured (a run shorter than the trial): the fastest count timed so far, else the
    /// count last used. Does nothing when the trial is already over.
    /// </summary>
    public void Finish()
    {
        if (Chosen != null) return;
        Chosen = bestSecondsPerClip.Count > 0 ? bestSecondsPerClip.MinBy(pair => pair.Value).Key : schedule[Math.Max(0, step - 1)];
        Threads.Use(Chosen.Value);
    }

    /// <summary>"2 threads (measured on the first training steps, per batch of 32: 1: 71 ms, 2: 44 ms)".</summary>
    public string Describe()
    {
        int chosen = Chosen ?? throw new InvalidOperationException("the trial is not over");
        string threads = $"{chosen} thread{(chosen == 1 ? "" : "s")}";
        if (candidates.Count == 1) return $"{threads} (the only candidate on {Environment.ProcessorCount} core{(Environment.ProcessorCount == 1 ? "" : "s")})";
        if (bestSecondsPerClip.Count == 0) return $"{threads} (too few training steps to measure)";
        string timings = string.Join(", ", SecondsPerStep.OrderBy(p => p.Key)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}: {p.Value * 1000:F0} ms")));
        return $"{threads} (measured on the first training steps, per batch of {ReferenceClips}: {timings})";
    }
}
