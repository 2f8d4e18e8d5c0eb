using Workbook.Fast;
namespace Workbook.Data;

/// <summary>
/// The data set that ships with the workbook (<c>data/speech/</c>): Q = 300 pairs of one-second clips at 16 kHz.
/// The clean clips are synthetic speech (espeak-ng, many voices and languages), stored as 16-bit WAV files;
/// the noisy clips are the clean ones plus background noise of five kinds at 0–10 dB SNR, regenerated here from
/// the seeds in the manifest, so the noise costs no disk space and is exactly the same on every load.
/// </summary>
/// <remarks>
/// tools/DataGenerator made the files (run <c>data/regenerate.sh</c>); nothing but this class is needed to use them.
/// </remarks>
public static class BundledDataSet
{
    /// <summary>The <see cref="PairedClips.Source"/> of the loaded set.</summary>
    public const string SourceName = "bundled data set";

    /// <summary>An environment variable that, when set, names the data set folder (the one holding manifest.json).</summary>
    public const string DirectoryVariable = "WORKBOOK_DATA";

    /// <summary>Where the data set lives, relative to the repository root.</summary>
    public const string RelativeDirectory = "data/speech";

    /// <summary>
    /// Loads all pairs: noisy (x) = clean (y) + noise at the manifest's SNR. Names look like "0007 en-us+f3 pink 4.2 dB".
    /// </summary>
    /// <param name="dataDirectory">the folder holding manifest.json (or a folder above it: its speech/ or data/speech/);
    /// null: <see cref="DirectoryVariable"/> if set, else data/speech found above the current and the program's folder</param>
    /// <exception cref="DirectoryNotFoundException">no data set was found (the message says where it looked)</exception>
    /// <exception cref="InvalidDataException">a clip file is missing or damaged, or does not match the manifest (the message names the clip)</exception>
    public static PairedClips Load(string? dataDirectory = null) => Load(dataDirectory, BundledDataCache.Default);

    /// <summary>
    /// Loads all pairs through <paramref name="cache"/>: from its file when that holds this very set (same manifest,
    /// same clip files, same library), else decoded (<see cref="Decode"/>) and then cached. Null: always decode.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">no data set was found (the message says where it looked)</exception>
    /// <exception cref="InvalidDataException">a clip file is missing or damaged, or does not match the manifest (the message names the clip)</exception>
    public static PairedClips Load(string? dataDirectory, BundledDataCache? cache)
    {
        string directory = FindDirectory(dataDirectory);
        return cache == null ? Decode(directory) : cache.Load(directory, () => Decode(directory));
    }

    /// <summary>
    /// Reads the manifest and every clean clip in <paramref name="directory"/> and mixes each with its regenerated
    /// noise: the work <see cref="BundledDataCache"/> saves.
    /// </summary>
    /// <exception cref="InvalidDataException">a clip file is missing or damaged, or does not match the manifest (the message names the clip)</exception>
    public static PairedClips Decode(string directory)
    {
        var manifest = BundledManifest.Read(Path.Combine(directory, BundledManifest.FileName));
        var clean = ReadCleanClips(manifest, directory);
        var pairs = new (string Name, float[] Noisy, float[] Clean)[manifest.Clips.Count];
        // Every clip's noise depends only on its own seed (and, for babble, on clean clips already read), so the
        // clips can be mixed in any order, in parallel, and still give the same tensors every time.
        try
        {
            Parallel.For(0, manifest.Clips.Count, q =>
            {
                var clip = manifest.Clips[q];
                var noise = NoiseOf(clip, manifest, clean);
                pairs[q] = (clip.Name, SignalToNoiseRatio.AddNoise(clean[q], noise, clip.SnrDb), clean[q]);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            // Parallel.For wraps what a clip threw; pass on the clip's own error, which names it.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        return PairedClips.FromArrays(pairs, manifest.SampleRate, SourceName);
    }

    /// <summary>The manifest: per clip the voice, text, noise kind and SNR (for tables and players in notebooks).</summary>
    public static BundledManifest ReadManifest(string? dataDirectory = null) =>
        BundledManifest.Read(Path.Combine(FindDirectory(dataDirectory), BundledManifest.FileName));

    /// <summary>
    /// The unit-power background noise of <paramref name="clip"/>, before it is scaled to the clip's SNR.
    /// <paramref name="clean"/> holds every clean clip of the set (babble is made from some of them).
    /// </summary>
    public static float[] NoiseOf(BundledClip clip, BundledManifest manifest, IReadOnlyList<float[]> clean) =>
        BackgroundNoise.Generate(clip.Noise, manifest.Length, clip.NoiseSeed, manifest.SampleRate,
            clip.Talkers.Select(t => clean[t]).ToArray());

    /// <summary>
    /// Reads every clean clip and checks it against the manifest (sample rate, length, peak). In order, one after
    /// the other: 300 files of 32 kB take a few tens of milliseconds, and the first bad clip is the one reported.
    /// </summary>
    public static float[][] ReadCleanClips(BundledManifest manifest, string directory) =>
        manifest.Clips.Select(clip => ReadCleanClip(manifest, directory, clip)).ToArray();

    private static float[] ReadCleanClip(BundledManifest manifest, string directory, BundledClip clip)
    {
        string path = Path.Combine(directory, clip.File);
        string name = $"{SourceName}: clip {clip.Index:D4} ({path})";
        if (!File.Exists(path))
            throw new InvalidDataException($"{name}: the file is missing; run data/regenerate.sh to remake the data set");
        float[] samples;
        int sampleRate;
        try
        {
            (samples, sampleRate) = Pcm16Wave.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{name}: {e.Message}", e);
        }
        if (sampleRate != manifest.SampleRate)
            throw new InvalidDataException($"{name}: {sampleRate} Hz, but the manifest says {manifest.SampleRate} Hz");
        if (samples.Length != manifest.Length)
            throw new InvalidDataException($"{name}: {samples.Length} samples, but the manifest says {manifest.Length}");
        // The peak catches a clip that belongs to another manifest (the files were regenerated, the manifest not).
        float peak = 0;
        foreach (float sample in samples) peak = MathF.Max(peak, MathF.Abs(sample));
        if (Math.Abs(peak - clip.Peak) > PeakTolerance)
            throw new InvalidDataException(
                $"{name}: its peak is {peak:F5}, but the manifest says {clip.Peak:F5}; the file and the manifest come from different runs of the generator");
        return samples;
    }

    /// <summary>How far a stored clip's peak may be from the manifest's: one 16-bit step.</summary>
    public const double PeakTolerance = 1.0 / 32768;

    /// <summary>
    /// The data set folder: <paramref name="dataDirectory"/> if given, else the folder named by <see cref="DirectoryVariable"/>,
    /// else the first <c>data/speech</c> above the current folder or above the program's folder (so it is found from
    /// the repository root, from notebooks/ and from bin/ folders alike).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">nothing was found; the message lists where it looked</exception>
    public static string FindDirectory(string? dataDirectory = null)
    {
        if (dataDirectory is not null) return FindIn(dataDirectory, "the folder passed to BundledDataSet");
        string? fromEnvironment = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return FindIn(fromEnvironment, $"the folder named by {DirectoryVariable}");

        var searched = new List<string>();
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, RelativeDirectory);
                if (File.Exists(Path.Combine(candidate, BundledManifest.FileName))) return candidate;
            }
            searched.Add(start);
        }
        throw new DirectoryNotFoundException(
            $"The bundled data set ({RelativeDirectory}/{BundledManifest.FileName}) was not found in " +
            $"{string.Join(" or ", searched.Distinct())} or any folder above. {HowToFix}");
    }

    private const string HowToFix =
        "Pass the data set folder to BundledDataSet.Load, set " + DirectoryVariable + " to it, " +
        "or regenerate it with data/regenerate.sh in the repository (needs espeak-ng; the script installs it on Debian/Ubuntu).";

    /// <summary>The folder itself if it holds the manifest, else its speech/ or data/speech/ subfolder.</summary>
    private static string FindIn(string folder, string what)
    {
        string full = Path.GetFullPath(folder);
        foreach (string candidate in new[] { full, Path.Combine(full, "speech"), Path.Combine(full, RelativeDirectory) })
            if (File.Exists(Path.Combine(candidate, BundledManifest.FileName))) return candidate;
        throw new DirectoryNotFoundException(
            $"No bundled data set in {what}, {full}: looked for {BundledManifest.FileName} there, in speech/ and in {RelativeDirectory}/. {HowToFix}");
    }
}
