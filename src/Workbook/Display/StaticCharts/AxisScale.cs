using System.Globalization;

namespace Workbook.Display.StaticCharts;

/// <summary>
/// Maps data values on one axis to pixels and chooses its ticks: steps of 1, 2 or 5 times a power of ten, about one
/// every <paramref name="tickSpacing"/> pixels, as plotly.js's automatic ticks do.
/// </summary>
internal sealed class AxisScale(double min, double max, double pixelStart, double pixelEnd, double tickSpacing = 80)
{
    public double Min { get; } = min;
    public double Max { get; } = max;

    public double ToPixel(double value) => Max == Min ? (pixelStart + pixelEnd) / 2 : pixelStart + (value - Min) / (Max - Min) * (pixelEnd - pixelStart);

    /// <summary>The range of <paramref name="values"/> (NaN and infinities left out), widened by <paramref name="padding"/> of its length each side; a point becomes ±1 around it.</summary>
    public static (double Min, double Max) RangeOf(IEnumerable<double> values, double padding)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double v in values)
            if (double.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        if (lo > hi) return (0, 1);
        if (lo == hi) return (lo - 1, hi + 1);
        double pad = (hi - lo) * padding;
        return (lo - pad, hi + pad);
    }

    /// <summary>The tick values inside the range, with their labels.</summary>
    public IEnumerable<(double Value, string Label)> Ticks()
    {
        double length = Math.Abs(pixelEnd - pixelStart);
        double step = NiceStep((Max - Min) / Math.Max(2, length / tickSpacing));
        int decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step) + 1e-9));
        for (double tick = Math.Ceiling(Min / step - 1e-9) * step; tick <= Max + step * 1e-9; tick += step)
        {
            double value = Math.Round(tick / step) * step;   // no 0.30000000000000004
            yield return (value, Label(value, decimals));
        }
    }

    /// <summary>1, 2 or 5 times a power of ten, the nearest to <paramref name="rough"/>.</summary>
    public static double NiceStep(double rough)
    {
        if (!(rough > 0) || !double.IsFinite(rough)) return 1;
        double power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double fraction = rough / power;
        return (fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : fraction < 7.5 ? 5 : 10) * power;
    }

    private static string Label(double value, int decimals)
    {
        if (value == 0) return "0";
        if (Math.Abs(value) >= 1e6 || decimals > 6) return value.ToString("0.###e0", CultureInfo.InvariantCulture);
        // plotly.js writes a minus sign (U+2212), not a hyphen.
        return value.ToString("F" + decimals, CultureInfo.InvariantCulture).Replace('-', '\u2212');
    }
}
