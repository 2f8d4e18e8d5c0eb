using System.Reflection;
using System.Text.RegularExpressions;

namespace Workbook.Display;

/// <summary>A piece of the library's source code, shown in a notebook as a code block with its file name.</summary>
public sealed record SourceCode(string RelativePath, string Text)
{
    public const string CssClass = "workbook-source";

    public string ToHtml() =>
        $"<details open class=\"{CssClass}\"><summary style=\"font-family:sans-serif\">{Html.Encode(RelativePath)}</summary>" +
        $"<pre style=\"background:#f6f8fa;padding:8px;overflow-x:auto\"><code class=\"language-csharp\">{Html.Encode(Text)}</code></pre></details>";

    public override string ToString() => $"// {RelativePath}\n{Text}";
}

/// <summary>
/// Shows a class's code as it is in the library's source file, so the notebook never holds a copy that could
/// drift: <c>Source.Of&lt;MimoFilter&gt;()</c>. The file is found under the repository's <c>src/</c>
/// folder, starting from the library's location and from the working directory.
/// </summary>
public static class Source
{
    /// <summary>The source file that declares <typeparamref name="T"/>, whole.</summary>
    public static SourceCode Of<T>() => Of(typeof(T));

    /// <summary>The source file that declares <paramref name="type"/>, whole.</summary>
    public static SourceCode Of(Type type)
    {
        string name = (type.IsGenericType ? type.Name[..type.Name.IndexOf('`')] : type.Name) + ".cs";
        string root = RepositoryRoot();
        var declaration = new Regex($@"\b(class|record|struct|interface|enum)\s+{Regex.Escape(name[..^3])}\b");
        var candidates = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .OrderBy(p => Path.GetFileName(p) == name ? 0 : 1)
            .ToList();
        foreach (string path in candidates)
        {
            string text = File.ReadAllText(path);
            if (declaration.IsMatch(text) && (type.Namespace == null || text.Contains($"namespace {type.Namespace}", StringComparison.Ordinal)))
                return new SourceCode(Path.GetRelativePath(root, path).Replace('\\', '/'), text.TrimEnd());
        }
        throw new FileNotFoundException($"no source file under {Path.Combine(root, "src")} declares {type.FullName}");
    }

    /// <summary>The folder holding <c>Workbook.sln</c>, searched upwards from the library's folder and the working directory.</summary>
    public static string RepositoryRoot()
    {
        var starts = new[] { Path.GetDirectoryName(typeof(Source).Assembly.Location), Directory.GetCurrentDirectory() };
        foreach (string? start in starts)
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Workbook.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("cannot find the repository (a folder with Workbook.sln) above the library or the working directory");
    }
}
