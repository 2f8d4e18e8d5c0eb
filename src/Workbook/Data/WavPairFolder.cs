namespace Workbook.Data;

/// <summary>
/// Reads a folder of recordings laid out as <c>noisy/NAME.wav</c> and <c>clean/NAME.wav</c>: one pair per NAME,
/// x from <c>noisy</c> and y from <c>clean</c>, sorted by name, at 16 kHz (see <see cref="WavAudio.Read"/>).
/// </summary>
public static class WavPairFolder
{
    /// <summary>Reads every pair; the clips must all have the same length.</summary>
    /// <exception cref="DirectoryNotFoundException">the folder, or its noisy/ or clean/ subfolder, is missing</exception>
    /// <exception cref="InvalidDataException">a name on only one side, a pair of unequal length, or an unreadable WAV;
    /// the message names the clip</exception>
    public static PairedClips Read(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"no folder {folder}");
        var noisy = ListClips(folder, "noisy");
        var clean = ListClips(folder, "clean");
        foreach (string name in noisy.Keys.Except(clean.Keys, StringComparer.Ordinal))
            throw new InvalidDataException($"{folder}: clip {name} is in noisy/ but not in clean/");
        foreach (string name in clean.Keys.Except(noisy.Keys, StringComparer.Ordinal))
            throw new InvalidDataException($"{folder}: clip {name} is in clean/ but not in noisy/");
        if (noisy.Count == 0) throw new InvalidDataException($"{folder}: noisy/ and clean/ hold no .wav files");

        var pairs = new List<(string, float[], float[])>();
        foreach (string name in noisy.Keys.Order(StringComparer.Ordinal))
        {
            var x = WavAudio.Read(noisy[name]).Samples;
            var y = WavAudio.Read(clean[name]).Samples;
            if (x.Length != y.Length)
                throw new InvalidDataException(
                    $"{folder}: clip {name}: noisy has {x.Length} samples and clean has {y.Length} (at 16 kHz); a pair must be equally long");
            pairs.Add((name, x, y));
        }
        return PairedClips.FromArrays(pairs, PairedClips.LabSampleRate, folder);
    }

    /// <summary>NAME → path for every <c>NAME.wav</c> in <c>folder/side</c>.</summary>
    private static Dictionary<string, string> ListClips(string folder, string side)
    {
        string path = Path.Combine(folder, side);
        if (!Directory.Exists(path))
            throw new DirectoryNotFoundException($"{folder}: no {side}/ subfolder; expected noisy/NAME.wav and clean/NAME.wav");
        return Directory.EnumerateFiles(path)
            .Where(f => Path.GetExtension(f).Equals(".wav", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), StringComparer.Ordinal);
    }
}
