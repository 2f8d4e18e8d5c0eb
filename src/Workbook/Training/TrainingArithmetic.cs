using Workbook.Networks;

namespace Workbook.Training;

/// <summary>
/// How much arithmetic one epoch of <see cref="Trainer.Fit"/> asks for, counted in the convolutions' direct form, so
/// that a measured epoch time becomes a rate (GFLOP/s) to hold against the machine's peak.
/// <para>
/// A layer with K taps, F inputs and G outputs costs <c>M = K·F·G</c> multiply-adds per sample and clip in each of its
/// three products: the forward pass, the gradient to the taps and the gradient to its input (not needed for the first
/// layer, whose input is the data). An epoch trains on every training clip once and then evaluates the train and the
/// test clips (a forward pass each), so with N samples per clip, Q training and T test clips:
/// </para>
/// <para><c>FLOP = 2 · N · [ Q · (2·Σ_l M_l + Σ_{l≥2} M_l) + (Q + T) · Σ_l M_l ]</c></para>
/// <para>
/// (2 FLOP per multiply-add). For the lab's network (<c>[40, 40]</c> taps, <c>[1, 5, 1]</c> features: M = 200 + 200)
/// with 250 + 50 clips of 16000 samples: 2 · 16000 · (250 · 1000 + 300 · 400) = 11.84 GFLOP. Spectral algorithms do
/// different arithmetic, and tanh, the loss and the SGD step are left out (a few operations per sample): the count is
/// a yardstick for the work, the same for every algorithm.
/// </para>
/// </summary>
public static class TrainingArithmetic
{
    /// <summary>Floating-point operations (2 per multiply-add) of one epoch in the convolutions' direct form (see the class).</summary>
    public static double FlopsPerEpoch(CnnSpecification specification, long trainClips, long testClips, long samples)
    {
        double forward = 0, inputGradients = 0;
        for (int l = 0; l < specification.Layers; l++)
        {
            double perSample = (double)specification.Taps[l] * specification.Features[l] * specification.Features[l + 1];
            forward += perSample;
            if (l > 0) inputGradients += perSample;
        }
        double trainingStep = forward + forward + inputGradients; // forward, gradient to the taps, gradient to the inputs
        return 2.0 * samples * (trainClips * trainingStep + (trainClips + testClips) * forward);
    }
}
