using System.Text.Json;
using System.Text.Json.Serialization;
using Workbook.Files;
using Workbook.Fast;

namespace Workbook.Data;

/// <summary>
/// The bundled data set's table of contents (<c>data/speech/manifest.json</c>): the seed it was made from, the
/// clip format, and one <see cref="BundledClip"/> per pair. Written by tools/DataGenerator, read by
/// <see cref="BundledDataSet"/>.
/// </summary>
/// <param name="Format">the manifest's format, <see cref="CurrentFormat"/></param>
/// <param name="Description">what the data set is, for people who open the file</param>
/// <param name="Seed">the generator's seed: every random choice (voice, text, noise kind, SNR, noise seeds) follows from it</param>
/// <param name="SampleRate">samples per second of every clip</param>
/// <param name="Length">samples per clip, N</param>
/// <param name="Synthesizer">the speech synthesiser that spoke the clips (its version matters for regenerating byte-identical files)</param>
/// <param name="Clips">one entry per pair, in order</param>
public sealed record BundledManifest(
    string Format,
    string Description,
    long Seed,
    int SampleRate,
    int Length,
    string Synthesizer,
    IReadOnlyList<BundledClip> Clips)
{
    /// <summary>The manifest's file name inside the data set folder.</summary>
    public const string FileName = "manifest.json";

    /// <summary>The format this code reads and writes; a change of layout gets a new number.</summary>
    public const string CurrentFormat = "workbook bundled speech 1";

    /// <summary>camelCase names, noise kinds as lower-case words, "\n" line ends: the same bytes on every machine.</summary>
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NewLine = "\n",
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep "ü" readable instead of "\u00FC"
    };

    /// <summary>Reads and checks a manifest.</summary>
    /// <exception cref="InvalidDataException">the file is not a manifest of this format, or its entries contradict each other</exception>
    public static BundledManifest Read(string path)
    {
        BundledManifest? manifest;
        try
        {
            using var stream = System.IO.File.OpenRead(path);
            manifest = JsonSerializer.Deserialize<BundledManifest>(stream, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid bundled data set manifest: {e.Message}", e);
        }
        if (manifest is null) throw new InvalidDataException($"{path}: the manifest is empty (null)");
        manifest.Validate(path);
        return manifest;
    }

    /// <summary>Writes the manifest as indented JSON ending in a newline.</summary>
    public void Write(string path) =>
        System.IO.File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>The folder, inside the data set's folder, that holds every clean clip.</summary>
    public const string CleanFolder = "clean";

    /// <summary>
    /// True for <c>clean/NAME</c>: a clip is read from the set's own clean/ folder and nowhere else, so a manifest
    /// cannot point outside the set, and the set's identity (<see cref="BundledDataCache"/>) is its manifest and that folder.
    /// </summary>
    public static bool IsInCleanFolder(string file)
    {
        if (!file.StartsWith(CleanFolder + "/", StringComparison.Ordinal)) return false;
        string name = file[(CleanFolder.Length + 1)..];
        return name.Length > 0 && name != "." && name != ".." && name.IndexOfAny(['/', '\\', '\0']) < 0;
    }

    /// <summary>Throws an <see cref="InvalidDataException"/> naming the first entry that does not fit.</summary>
    public void Validate(string where)
    {
        if (Format != CurrentFormat)
            throw new InvalidDataException($"{where}: manifest format \"{Format}\", but this code reads \"{CurrentFormat}\"");
        if (SampleRate <= 0 || Length <= 0)
            throw new InvalidDataException($"{where}: sample rate {SampleRate} and length {Length} must be positive");
        if (Clips.Count == 0) throw new InvalidDataException($"{where}: the manifest lists no clips");
        for (int q = 0; q < Clips.Count; q++)
        {
            var clip = Clips[q];
            string name = $"{where}: clip {q:D4}";
            if (clip.Index != q) throw new InvalidDataException($"{name} has index {clip.Index}; clips must be listed in order 0, 1, 2, …");
            if (!IsInCleanFolder(clip.File))
                throw new InvalidDataException($"{name}: its file \"{Quoted.Escape(clip.File, 100)}\" is not a file of the set's clean/ folder (clean/NAME.wav)");
            if (!Enum.IsDefined(clip.Noise)) throw new InvalidDataException($"{name}: unknown noise kind {clip.Noise}");
            if (!double.IsFinite(clip.SnrDb)) throw new InvalidDataException($"{name}: SNR {clip.SnrDb} dB is not a number");
            if (!(clip.Peak > 0 && clip.Peak <= 1)) throw new InvalidDataException($"{name}: peak {clip.Peak} is outside (0, 1]");
            if (clip.Noise == NoiseKind.Babble && clip.Talkers.Count == 0)
                throw new InvalidDataException($"{name}: babble noise but no talkers listed");
            foreach (int talker in clip.Talkers)
                if (talker < 0 || talker >= Clips.Count || talker == q)
                    throw new InvalidDataException($"{name}: talker {talker} is not another clip of the set (0 … {Clips.Count - 1}, not itself)");
        }
    }
}
