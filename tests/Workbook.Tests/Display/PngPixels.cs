using System.Buffers.Binary;
using System.IO.Compression;

namespace Workbook.Tests.Display;

/// <summary>
/// Reads an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium's screenshots and the static charts' heatmaps are)
/// into pixels, written here from the PNG specification so that tests look at what was drawn, not at the drawing code.
/// </summary>
public sealed class PngPixels
{
    public int Width { get; }
    public int Height { get; }
    private readonly byte[] rgba;

    private PngPixels(int width, int height, byte[] rgba) { Width = width; Height = height; this.rgba = rgba; }

    public (byte R, byte G, byte B, byte A) this[int x, int y] => (rgba[(y * Width + x) * 4], rgba[(y * Width + x) * 4 + 1], rgba[(y * Width + x) * 4 + 2], rgba[(y * Width + x) * 4 + 3]);

    public IEnumerable<(byte R, byte G, byte B, byte A)> All() =>
        Enumerable.Range(0, Width * Height).Select(i => (rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2], rgba[i * 4 + 3]));

    public static PngPixels Read(byte[] png)
    {
        if (png.Length < 8 || png[1] != 'P' || png[2] != 'N' || png[3] != 'G') throw new InvalidDataException("not a PNG");
        int width = 0, height = 0, channels = 0;
        using var compressed = new MemoryStream();
        for (int at = 8; at < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                if (data[8] != 8 || data[12] != 0) throw new InvalidDataException("only 8-bit non-interlaced PNGs");
                channels = data[9] switch { 2 => 3, 6 => 4, _ => throw new InvalidDataException($"colour type {data[9]}") };
            }
            else if (type == "IDAT") compressed.Write(data);
            at += 12 + length;
        }
        compressed.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress)) zlib.CopyTo(inflated);
        byte[] raw = inflated.ToArray();
        int stride = width * channels;
        var previous = new byte[stride];
        var pixels = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            var row = raw.AsSpan(y * (stride + 1) + 1, stride).ToArray();
            for (int i = 0; i < stride; i++)
            {
                int left = i >= channels ? row[i - channels] : 0, up = previous[i], upLeft = i >= channels ? previous[i - channels] : 0;
                row[i] = (byte)(row[i] + filter switch
                {
                    0 => 0, 1 => left, 2 => up, 3 => (left + up) / 2, 4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"filter {filter}"),
                });
            }
            for (int x = 0; x < width; x++)
            {
                int to = (y * width + x) * 4;
                pixels[to] = row[x * channels]; pixels[to + 1] = row[x * channels + 1]; pixels[to + 2] = row[x * channels + 2];
                pixels[to + 3] = channels == 4 ? row[x * channels + 3] : (byte)255;
            }
            previous = row;
        }
        return new PngPixels(width, height, pixels);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
