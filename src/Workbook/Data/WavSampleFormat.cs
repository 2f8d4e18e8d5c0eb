namespace Workbook.Data;

/// <summary>How <see cref="WavAudio.Write"/> stores samples.</summary>
public enum WavSampleFormat
{
    /// <summary>16-bit integer PCM, what every player understands: round(s·32768), limited to −32768…32767 (so s in [−1, 32767/32768]).</summary>
    Pcm16,

    /// <summary>32-bit IEEE float: exact, and keeps values beyond [-1, 1] (a denoiser's output may overshoot).</summary>
    Float32,
}
