using Workbook.Data;
using Workbook.FilterBank;
using Workbook.Hosting;
using Workbook.ModelFiles;
using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Cli;

/// <summary>
/// The filter-bank model through the command line: <c>denoise</c> and <c>evaluate</c> print no libtorch NNPACK
/// warnings, and <c>export</c> says why it cannot write one as the handout's MIMO_CNN.
/// </summary>
public sealed class FilterBankModelCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("filter-bank-cli-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>An untrained filter-bank CNN saved as train writes one (its gate starts at zero: output = input).</summary>
    private string FilterBankModel()
    {
        string path = Path.Combine(folder, "filter-bank.cnn");
        using var model = new FilterBankCnn(FilterBankCnnSpecification.Default);
        FilterBankModelFile.Save(model, path, new FilterBankModelFile.Header(model.Specification, PairedClips.LabSampleRate, "test"));
        return path;
    }

    [Fact]
    public void Building_a_filter_bank_cnn_turns_nnpack_off_in_libtorch()
    {
        using var model = new FilterBankCnn(FilterBankCnnSpecification.Default);
        Assert.False(Nnpack.IsEnabled() ?? true, "libtorch's NNPACK switch is not exported, or still on");
    }

    [Fact]
    public void Denoise_and_evaluate_with_the_filter_bank_model_print_no_nnpack_lines()
    {
        string model = FilterBankModel();
        string input = Path.Combine(folder, "voice.wav");
        var random = new SeededRandom(3);
        var samples = Enumerable.Range(0, 48000).Select(n => (float)(0.3 * Math.Sin(2 * Math.PI * 220 * n / 48000.0) + 0.05 * random.NextGaussian())).ToArray();
        WavAudio.Write(input, samples, 48000);

        var denoised = Repository.RunCli(["denoise", "--model", model, input, "-o", Path.Combine(folder, "out.wav")], TimeSpan.FromMinutes(5));
        Assert.True(denoised.ExitCode == 0, denoised.Output + denoised.Error);
        Assert.DoesNotContain("NNPACK", denoised.Error);

        var scored = Repository.RunCli(["evaluate", "--model", model], TimeSpan.FromMinutes(5));
        Assert.True(scored.ExitCode == 0, scored.Output + scored.Error);
        Assert.DoesNotContain("NNPACK", scored.Error);
    }

    [Fact]
    public void Export_of_a_filter_bank_model_says_which_models_it_takes_and_writes_nothing()
    {
        string model = FilterBankModel();
        string output = Path.Combine(folder, "lab.pt");
        var exported = Repository.RunCli(["export", "--model", model, "-o", output]);
        Assert.Equal(1, exported.ExitCode);
        Assert.Single(exported.Error.TrimEnd().Split('\n'));
        Assert.Contains($"export writes the lab's MIMO_CNN state_dict; {model} holds the filter-bank CNN, which the handout's class cannot hold", exported.Error);
        Assert.Contains("export takes a lab model.cnn from train or a MIMO_CNN state_dict", exported.Error);
        Assert.DoesNotContain("WORKBOOK-CNN", exported.Error);
        Assert.False(File.Exists(output));
    }
}
