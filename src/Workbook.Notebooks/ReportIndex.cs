using System.Text.Json;
using Workbook.Data;
using Workbook.Files;

namespace Workbook.Notebooks;

/// <summary>
/// The index of the artifacts folder: every notebook that has a page there, with the status of its last run. A run of
/// one notebook updates its row and keeps the others' (remembered in <c>index.json</c>), so the index never forgets
/// notebooks that this run did not execute.
/// </summary>
public static class ReportIndex
{
    public const string StatusFile = "index.json";

    /// <summary>How many seconds each notebook's last run took (by name), as remembered in <see cref="StatusFile"/>; empty when none is.</summary>
    public static IReadOnlyDictionary<string, double> LastSeconds(string outputDirectory)
    {
        try
        {
            string statusPath = Path.Combine(outputDirectory, StatusFile);
            if (!File.Exists(statusPath)) return new Dictionary<string, double>();
            return (JsonSerializer.Deserialize<List<NotebookReport>>(File.ReadAllText(statusPath)) ?? [])
                .Where(r => r.Seconds > 0)
                .GroupBy(r => r.Name, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Last().Seconds, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException) { return new Dictionary<string, double>(); }
    }

    /// <summary>Merges <paramref name="reports"/> into the remembered statuses, saves them and returns the index page.</summary>
    public static string Update(string outputDirectory, IEnumerable<NotebookReport> reports)
    {
        string statusPath = Path.Combine(outputDirectory, StatusFile);
        var byName = new SortedDictionary<string, NotebookReport>(StringComparer.Ordinal);
        try
        {
            if (File.Exists(statusPath))
                foreach (var old in JsonSerializer.Deserialize<List<NotebookReport>>(File.ReadAllText(statusPath)) ?? [])
                    byName[old.Name] = old;
        }
        catch (JsonException) { /* a damaged status file only loses the old rows' statuses, not the pages */ }
        foreach (var report in reports) byName[report.Name] = report;

        // Pages present without a remembered status (written by an older runner) are listed too.
        foreach (string page in Directory.EnumerateFiles(outputDirectory, "*.html"))
        {
            string name = Path.GetFileNameWithoutExtension(page);
            if (name != "index" && !byName.ContainsKey(name))
                byName[name] = new NotebookReport(name, page, 0, 0, false, null, null, false, "status of its last run unknown");
        }
        var present = byName.Values.Where(r => File.Exists(Path.Combine(outputDirectory, r.Name + ".html"))).ToList();
        AtomicFile.WriteAllText(statusPath, JsonSerializer.Serialize(present));
        return HtmlReport.Index(present);
    }
}
