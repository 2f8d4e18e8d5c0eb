namespace Workbook.Data;

/// <summary>How <see cref="WavAudio.Write"/> stores samples.</summary>
public enum WavSampleFormat
{
    /// <summary>16-bit integer PCM, what every player understands; samples are clamped to [-1, 1].</summary>
    Pcm16,

    /// <summary>32-bit IEEE float: exact, and keeps values beyond [-1, 1] (a denoiser's output may overshoot).</summary>
    Float32,
}
