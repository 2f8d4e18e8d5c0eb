using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workbook.Notebooks;

/// <summary>One message of a graded run: how a cell went, or a check report one of the grader's check cells produced.</summary>
/// <param name="Sequence">0, 1, 2, … in the order the host sent them: a message cannot be dropped, repeated or moved unnoticed</param>
/// <param name="Cell">the 0-based index of the cell in the notebook that was run</param>
/// <param name="Error">for a cell's outcome: its error, or null when it ran without one</param>
/// <param name="Report">for a report: the check report's JSON (<c>Workbook.Coursework.CheckReport</c>)</param>
public sealed record ChannelMessage(long Sequence, int Cell, string Kind, string? Error, string? Report)
{
    public const string CellDone = "cell", CheckReport = "report";
}

/// <summary>
/// How the marks of a graded run reach the grader without passing through anything the notebook's code holds. The
/// grader starts the host with a fresh secret on its standard input, which the host reads before any cell runs and
/// keeps in a private field; after each cell it writes the cell's outcome, and for the grader's check cells the check
/// reports the cell displayed (the report objects themselves, never their formatted output), to its standard output
/// stream as it was before any cell ran, each line authenticated with HMAC-SHA256 under the secret and numbered. The
/// grader accepts only lines that verify, in sequence. Student code can print a line of the same shape, but not sign it:
/// the secret is out of its reach without reflection, which the grader's code policy refuses.
/// </summary>
public sealed class CheckChannel
{
    /// <summary>The start of a channel line in the host's output.</summary>
    public const string Marker = "@@workbook-check-channel ";

    private readonly byte[] secret;
    private readonly Stream output;
    private long sequence;

    private CheckChannel(byte[] secret, Stream output)
    {
        this.secret = secret;
        this.output = output;
    }

    /// <summary>A new secret for one run: 32 random bytes, as hex.</summary>
    public static string NewSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The host's end: the secret from the first line of <paramref name="input"/>, messages to <paramref name="output"/>.</summary>
    /// <exception cref="InvalidDataException">the first line is not a secret</exception>
    public static CheckChannel Open(TextReader input, Stream output)
    {
        string line = input.ReadLine() ?? "";
        byte[] secret;
        try { secret = Convert.FromHexString(line.Trim()); }
        catch (FormatException) { throw new InvalidDataException("--check-channel: the first line of standard input is not the run's secret (hex)"); }
        if (secret.Length < 16) throw new InvalidDataException("--check-channel: the run's secret on standard input is shorter than 16 bytes");
        return new CheckChannel(secret, output);
    }

    public void Send(int cell, string kind, string? error, string? report)
    {
        lock (output)
        {
            var message = new ChannelMessage(sequence++, cell, kind, error, report);
            byte[] payload = JsonSerializer.SerializeToUtf8Bytes(message);
            string line = $"\n{Marker}{Convert.ToBase64String(payload)} {Convert.ToHexString(HMACSHA256.HashData(secret, payload))}\n";
            output.Write(Encoding.ASCII.GetBytes(line));
            output.Flush();
        }
    }

    /// <summary>
    /// The grader's end: the messages in <paramref name="log"/> (the host's output) signed with <paramref name="secret"/>,
    /// in sequence from 0. Lines that do not verify are ignored; the messages stop at the first gap in the sequence.
    /// </summary>
    public static IReadOnlyList<ChannelMessage> Read(string log, string secret)
    {
        byte[] key = Convert.FromHexString(secret);
        var messages = new List<ChannelMessage>();
        foreach (string line in log.Split('\n'))
        {
            if (!line.StartsWith(Marker, StringComparison.Ordinal)) continue;
            string[] parts = line[Marker.Length..].Trim().Split(' ');
            if (parts.Length != 2) continue;
            byte[] payload, mac;
            try
            {
                payload = Convert.FromBase64String(parts[0]);
                mac = Convert.FromHexString(parts[1]);
            }
            catch (FormatException) { continue; }
            if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(key, payload))) continue;
            var message = JsonSerializer.Deserialize<ChannelMessage>(payload);
            if (message == null || message.Sequence != messages.Count) break;
            messages.Add(message);
        }
        return messages;
    }

    /// <summary>The role the grader gave a cell in the notebook it runs (<c>check</c> for its check cells), or null.</summary>
    public static string? Role(JsonObject cell) => (string?)cell["metadata"]?["workbook_grading"]?["role"];

    /// <summary>
    /// The check reports among the values a cell displayed or returned: objects of the workbook library's own
    /// <c>Workbook.Coursework.CheckReport</c> type (a class a notebook declares has another name and assembly), as JSON.
    /// </summary>
    public static IEnumerable<string> Reports(IEnumerable<object?> values)
    {
        foreach (var value in values)
        {
            var type = value?.GetType();
            if (type == null || type.FullName != "Workbook.Coursework.CheckReport" || type.Assembly.IsDynamic
                || !string.Equals(Path.GetFileName(type.Assembly.Location), "Workbook.dll", StringComparison.Ordinal)) continue;
            if (type.GetMethod("ToJson", Type.EmptyTypes)?.Invoke(value, null) is string json) yield return json;
        }
    }
}
