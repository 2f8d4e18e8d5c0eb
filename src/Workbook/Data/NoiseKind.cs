namespace Workbook.Data;

/// <summary>
/// The kinds of background noise (see <see cref="BackgroundNoise"/>): the bundled data set's five, then kinds that only
/// the filter-bank recipe's synthesized training pairs and the held-out scoring use. New kinds go at the end: the
/// bundled manifest names kinds, and tools seed noise by a kind's number.
/// </summary>
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

    /// <summary>Pink noise whose level wanders by 20 dB within a second (traffic passing, wind in gusts, a door opening).</summary>
    Fluctuating,

    /// <summary>Sparse clicks of random size over a faint hiss (crackle of a bad cable or an old record, rain on a roof).</summary>
    Crackle,

    /// <summary>A fan or an engine: tonal lines at a blade or firing rate and its harmonics over rumbling brown noise.</summary>
    Fan,
}
