using Workbook.TorchFiles;

namespace Workbook.Data;

/// <summary>Where the lab's clip pairs come from: the course's .pt file, a folder of WAV pairs, or the bundled set.</summary>
public static class DataSource
{
    /// <summary>The kinds of path <c>Load</c> understands, for messages.</summary>
    public const string SupportedKinds =
        "a .pt file written by torch.save (a list of (x, y) tensor pairs), or a folder with noisy/NAME.wav and clean/NAME.wav";

    /// <summary>
    /// Loads the pairs at <paramref name="path"/> (see <see cref="Load(string?, Func{PairedClips})"/>), or the bundled
    /// data set (<see cref="BundledDataSet"/>) when <paramref name="path"/> is null.
    /// </summary>
    public static PairedClips Load(string? path = null) => Load(path, () => BundledDataSet.Load());

    /// <summary>
    /// Loads the pairs at <paramref name="path"/>: a <c>.pt</c> file (<see cref="CoursePairsFile"/>), a folder
    /// (<see cref="WavPairFolder"/>), or, for null, the bundled data set from <paramref name="bundled"/>.
    /// </summary>
    /// <param name="bundled">loads the default data set; the workbook passes <c>BundledDataSet.Load</c></param>
    /// <exception cref="FileNotFoundException">nothing exists at <paramref name="path"/></exception>
    /// <exception cref="NotSupportedException">a file that is not a .pt file</exception>
    public static PairedClips Load(string? path, Func<PairedClips> bundled)
    {
        ArgumentNullException.ThrowIfNull(bundled);
        if (path is null) return bundled();
        if (Directory.Exists(path)) return WavPairFolder.Read(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"no data at {path}; expected {SupportedKinds}", path);
        if (Path.GetExtension(path).Equals(".pt", StringComparison.OrdinalIgnoreCase)) return CoursePairsFile.Read(path);
        throw new NotSupportedException($"{path}: don't know how to read '{Path.GetExtension(path)}' files; expected {SupportedKinds}");
    }
}
