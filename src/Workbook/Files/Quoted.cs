using System.Text;

namespace Workbook.Files;

/// <summary>
/// Text quoted from a file into a message: control characters (ANSI escapes, newlines, bidirectional overrides) are
/// shown as <c>\xNN</c> / <c>\uNNNN</c>, so a hostile file can neither repaint the terminal nor split the message's line.
/// </summary>
public static class Quoted
{
    public static string Escape(string text, int maxLength = 80)
    {
        var result = new StringBuilder();
        foreach (char c in text.Length > maxLength ? text[..maxLength] : text)
        {
            if (c < 0x20 || c is '\x7f' || (c >= 0x80 && c < 0xA0)) result.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            else if (char.IsSurrogate(c) || c is (>= '\u200B' and <= '\u200F') or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\uFEFF')
                result.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            else result.Append(c);
        }
        if (text.Length > maxLength) result.Append('…');
        return result.ToString();
    }
}
