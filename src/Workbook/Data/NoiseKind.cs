namespace Workbook.Data;

/// <summary>The kinds of background noise in the bundled data set (see <see cref="BackgroundNoise"/>).</summary>
public enum NoiseKind
{
    /// <summary>Gaussian noise with a flat spectrum: equal power per hertz (hiss).</summary>
    White,

    /// <summary>Power per hertz ∝ 1/f (−3 dB per octave): equal power per octave (rain, wind, rumble of a room).</summary>
    Pink,

    /// <summary>Power per hertz ∝ 1/f² (−6 dB per octave): integrated white noise (a distant roar, surf).</summary>
    Brown,

    /// <summary>Mains hum: a 50 or 60 Hz tone with several harmonics (a ground loop, a fluorescent lamp).</summary>
    Hum,

    /// <summary>Several other talkers at once (a cafeteria), made from other clean clips of the set.</summary>
    Babble,
}
