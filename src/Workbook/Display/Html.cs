using System.Net;

namespace Workbook.Display;

/// <summary>Small helpers for writing HTML fragments.</summary>
public static class Html
{
    /// <summary>Escapes text for HTML element content and attribute values.</summary>
    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Makes JSON safe inside a <c>&lt;script&gt;</c> element (no <c>&lt;/script&gt;</c> can end it early).</summary>
    public static string ScriptSafe(string json) => json.Replace("</", "<\\/", StringComparison.Ordinal).Replace("<!--", "<\\!--", StringComparison.Ordinal);
}
