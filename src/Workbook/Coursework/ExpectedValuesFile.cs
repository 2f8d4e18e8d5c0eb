using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// The expected values the student kit ships: a JSON object from <see cref="ExpectedKey"/> to a tensor
/// (<c>{"dtype": "float32", "shape": [2, 1, 16], "data": base64 of the little-endian values}</c>).
/// </summary>
public static class ExpectedValuesFile
{
    /// <summary>The name the kit's package embeds the file under.</summary>
    public const string ResourceName = "Workbook.ExpectedValues.json";

    public static string Write(IReadOnlyDictionary<string, Tensor> values)
    {
        var root = new JsonObject();
        foreach (var (key, value) in values.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            using var contiguous = value.detach().cpu().contiguous();
            string dtype = contiguous.dtype == ScalarType.Int64 ? "int64" : "float32";
            using var stored = dtype == "int64" ? contiguous.alias() : contiguous.to_type(ScalarType.Float32);
            root[key] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(stored.shape.Select(s => (JsonNode)s).ToArray()),
                ["data"] = Convert.ToBase64String(stored.bytes),
            };
        }
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <exception cref="InvalidDataException">the text is not such a file (the message names <paramref name="source"/>)</exception>
    public static Dictionary<string, Tensor> Read(string json, string source)
    {
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (key, node) in JsonNode.Parse(json)!.AsObject())
            {
                var entry = node!.AsObject();
                long[] shape = entry["shape"]!.AsArray().Select(s => (long)s!).ToArray();
                byte[] data = Convert.FromBase64String((string)entry["data"]!);
                values[key] = (string?)entry["dtype"] == "int64"
                    ? tensor(Enumerable.Range(0, data.Length / 8).Select(i => BitConverter.ToInt64(data, i * 8)).ToArray(), shape)
                    : tensor(Enumerable.Range(0, data.Length / 4).Select(i => BitConverter.ToSingle(data, i * 4)).ToArray(), shape);
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NullReferenceException)
        {
            throw new InvalidDataException($"{source}: not a file of expected values ({e.Message})", e);
        }
        return values;
    }
}
