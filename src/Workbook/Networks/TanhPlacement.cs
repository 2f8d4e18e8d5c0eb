namespace Workbook.Networks;

/// <summary>
/// Where the tanh nonlinearity goes in a CNN. The lab's text says "tanh at all layers", but its code
/// applies it between layers only, and a denoiser needs the last layer linear: speech samples reach
/// values a tanh output cannot (it stays inside (−1, 1) and is squashed near the ends).
/// </summary>
public enum TanhPlacement
{
    /// <summary>tanh after every layer but the last (the lab's code; the default).</summary>
    BetweenLayers,
    /// <summary>tanh after every layer including the last (the lab's text, read literally).</summary>
    AfterEveryLayer,
}
