using System.Text;
using Workbook.Data;
using Workbook.Networks;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Fast;
using Workbook.Files;
using Workbook.FilterBank;
using Workbook.ModelFiles;

namespace Workbook.Tests.ModelFiles;

/// <summary>
/// The bounds <see cref="ModelFile"/> and <see cref="FilterBankModelFile"/> put on a header before anything is allocated:
/// each is tried at its edge (accepted: the file is then refused only for its missing coefficients) and one past it
/// (refused with the line naming the file and the bound).
/// </summary>
public sealed class ModelHeaderBoundsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("headerbounds-").FullName;
    private readonly string path;

    public ModelHeaderBoundsTests() => path = Path.Combine(folder, "model.bin");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private const string PassedTheHeader = "the model's coefficients are truncated or do not match its architecture (0 bytes for ";

    // ---- the lab's CNN ----

    private string LoadCnn(string json)
    {
        ContainerFile.Write(path, "WORKBOOK-CNN", 2, json, []);
        return Assert.Throws<InvalidDataException>(() => ModelFile.Load(path)).Message;
    }

    private string LoadCnn(long[] taps, long[] features, int sampleRate = 16000, TanhPlacement tanh = TanhPlacement.BetweenLayers) =>
        LoadCnn($$"""{"Taps":[{{string.Join(",", taps)}}],"Features":[{{string.Join(",", features)}}],"Tanh":{{(int)tanh}},"SampleRate":{{sampleRate}},"Description":""}""");

    private static long[] Ones(int count) => Enumerable.Repeat(1L, count).ToArray();

    [Fact]
    public void A_cnn_header_needs_taps_and_features()
    {
        Assert.Equal($"{path}: the model header has no taps or features",
            LoadCnn("""{"Taps":null,"Features":[1,1],"Tanh":0,"SampleRate":16000,"Description":""}"""));
        Assert.Equal($"{path}: the model header has no taps or features",
            LoadCnn("""{"Taps":[3],"Features":null,"Tanh":0,"SampleRate":16000,"Description":""}"""));
    }

    [Fact]
    public void A_cnn_has_1_to_MaxLayers_layers_and_one_more_feature_count()
    {
        Assert.Equal($"{path}: the model header claims 0 layers; a model has 1 to {ModelLimits.MaxLayers}",
            LoadCnn("""{"Taps":[],"Features":[1],"Tanh":0,"SampleRate":16000,"Description":""}"""));
        Assert.Equal($"{path}: the model header claims 65 layers; a model has 1 to {ModelLimits.MaxLayers}", LoadCnn(Ones(65), Ones(66)));
        Assert.Contains(PassedTheHeader + "64 coefficients)", LoadCnn(Ones(64), Ones(65)));
        Assert.Contains(PassedTheHeader + "1 coefficients)", LoadCnn(Ones(1), Ones(2)));
        Assert.Equal($"{path}: the model header claims 2 layers but 2 feature counts (expected 3)", LoadCnn([3, 3], [1, 1]));
    }

    [Fact]
    public void Every_tap_and_feature_count_is_bounded()
    {
        string Refused(long[] taps, long[] features) =>
            $"{path}: the model header claims taps [{string.Join(", ", taps)}] and features [{string.Join(", ", features)}]; " +
            $"each tap count must be 1 to {ModelLimits.MaxTaps}, each feature count 1 to {ModelLimits.MaxFeatures}";
        foreach (var (taps, features) in new (long[], long[])[]
                 {
                     ([5, 0], [1, 2, 1]), ([5, 65537], [1, 2, 1]),          // one bad tap among good ones
                     ([5, 3], [1, 0, 1]), ([5, 3], [1, 257, 1]),            // one bad feature count, the taps good
                 })
            Assert.Equal(Refused(taps, features), LoadCnn(taps, features));
        Assert.Contains(PassedTheHeader + "65536 coefficients)", LoadCnn([65536], [1, 1]));
        Assert.Contains(PassedTheHeader + "512 coefficients)", LoadCnn([1, 1], [1, 256, 1]));
    }

    [Fact]
    public void A_cnn_takes_and_gives_one_channel()
    {
        foreach (var features in new long[][] { [2, 1], [1, 2] })
            Assert.Equal($"{path}: the model header claims taps [3] and features [{string.Join(", ", features)}]; " +
                         "a denoiser takes and gives one channel (mono audio), so the first and last feature counts must be 1", LoadCnn([3], features));
    }

    [Fact]
    public void A_cnn_sees_at_most_MaxReceptiveField_samples()
    {
        // R = 1 + Σ (K − 1): 1 + 65535 + 0 = 65536 passes, one tap more does not.
        Assert.Contains(PassedTheHeader + "65537 coefficients)", LoadCnn([65536, 1], [1, 1, 1]));
        Assert.Equal($"{path}: the model header claims taps [65536, 2] and features [1, 1, 1], a receptive field of 65537 samples; " +
                     $"at most {ModelLimits.MaxReceptiveField} are allowed", LoadCnn([65536, 2], [1, 1, 1]));
    }

    [Fact]
    public void A_cnn_has_at_most_MaxParameters_coefficients()
    {
        // 128·256 + 255·256·256 + 128·256 = 2^24 exactly; one more tap in the first layer adds 256.
        Assert.Contains(PassedTheHeader + $"{ModelLimits.MaxParameters} coefficients)", LoadCnn([128, 255, 128], [1, 256, 256, 1]));
        Assert.Equal($"{path}: the model header claims {ModelLimits.MaxParameters + 256} coefficients; at most {ModelLimits.MaxParameters} are allowed",
            LoadCnn([129, 255, 128], [1, 256, 256, 1]));
    }

    [Fact]
    public void A_cnn_sample_rate_is_1_to_10_MHz_and_its_tanh_placement_known()
    {
        foreach (int rate in new[] { 0, 10_000_001 })
            Assert.Equal($"{path}: the model header claims a sample rate of {rate} Hz", LoadCnn([3], [1, 1], rate));
        foreach (int rate in new[] { 1, 10_000_000 })
            Assert.Contains(PassedTheHeader, LoadCnn([3], [1, 1], rate));
        Assert.Equal($"{path}: the model header names an unknown tanh placement (99)", LoadCnn([3], [1, 1], tanh: (TanhPlacement)99));
    }

    [Fact]
    public void A_format_1_file_without_length_or_checksum_still_loads()
    {
        var spec = new CnnSpecification(new long[] { 5, 3 }, new long[] { 1, 3, 1 }, TanhPlacement.BetweenLayers);
        using var model = new MimoCnn(spec);
        var stream = new MemoryStream();
        using (var coefficientWriter = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true)) model.save(coefficientWriter);
        string json = ContainerFile.Json(new ModelFile.Header([5, 3], [1, 3, 1], TanhPlacement.BetweenLayers, 8000, "format 1"));
        ContainerFile.Write(path, "WORKBOOK-CNN", 1, json, stream.ToArray(), checksummed: false);

        var (loaded, header) = ModelFile.Load(path);
        using var _ = loaded;
        Assert.Equal(spec, loaded.Specification);
        Assert.Equal((8000, "format 1"), (header.SampleRate, header.Description));
        var x = randn(1, 1, 50);
        using (no_grad()) TensorAssert.Close(model.call(x), loaded.call(x), 0);

        ContainerFile.Write(path, "WORKBOOK-CNN", 3, json, stream.ToArray());
        Assert.Equal($"{path} is a workbook model of format version 3; this program reads versions 1 to 2",
            Assert.Throws<InvalidDataException>(() => ModelFile.Load(path)).Message);
    }

    [Fact]
    public void Saving_under_a_header_of_another_architecture_is_refused()
    {
        using var model = new MimoCnn(new CnnSpecification(new long[] { 3 }, new long[] { 1, 1 }, TanhPlacement.BetweenLayers));
        var header = new ModelFile.Header([5], [1, 1], TanhPlacement.BetweenLayers, 16000, "");
        var e = Assert.Throws<ArgumentException>(() => ModelFile.Save(model, path, header));
        Assert.Equal($"the header describes {header.Specification} but the model is {model.Specification}", e.Message);
        Assert.False(File.Exists(path));
    }

    // ---- the improved CNN ----

    private string LoadImproved(FilterBankCnnSpecification network, int sampleRate = 16000, byte[]? coefficients = null)
    {
        ContainerFile.Write(path, FilterBankModelFile.Magic, 1, ImprovedJson(network, sampleRate), coefficients ?? []);
        return Record.Exception(() => FilterBankModelFile.Load(path).Model.Dispose())?.Message ?? "loaded";
    }

    /// <summary>The header's JSON written by hand: serialising the record would evaluate properties that an impossible network has not.</summary>
    private static string ImprovedJson(FilterBankCnnSpecification n, int sampleRate) =>
        $$"""{"Network":{"Bands":{{n.Bands}},"BandTaps":{{n.BandTaps}},"Hop":{{n.Hop}},"Hidden":{{n.Hidden}},"Dilations":[{{string.Join(",", n.Dilations)}}],"Residual":true,"SpectrumBins":{{n.SpectrumBins}},"SpectrumWindow":{{n.SpectrumWindow}},"PitchShortestLag":{{n.PitchShortestLag}},"PitchLongestLag":{{n.PitchLongestLag}}},"SampleRate":{{sampleRate}},"Description":""}""";

    private static FilterBankCnnSpecification Net(int bands = 2, int bandTaps = 4, int hop = 2, int hidden = 3, int[]? dilations = null) =>
        new(bands, bandTaps, hop, hidden, dilations ?? [1, 2]);

    private const string Spectrum = "spectrum bins must be 0 to 256, from a window of the hop to 65536 samples holding them";

    private const string Comb = "the pitch comb's lags must be 0 and 0 (none) or 1 to 4096 samples, shorter than the spectrum's window, with at least 2 bins";

    private static FilterBankCnnSpecification Combed(int shortest, int longest, int bins = 4, int window = 8192) =>
        Net() with { SpectrumBins = bins, SpectrumWindow = window, PitchShortestLag = shortest, PitchLongestLag = longest };

    [Fact]
    public void An_improved_header_with_an_impossible_network_is_refused()
    {
        foreach (var (network, reason) in new (FilterBankCnnSpecification, string)[]
                 {
                     (Net(dilations: Enumerable.Repeat(1, 65).ToArray()), "it may have at most 64 blocks"),
                     (Net(bands: 0), "bands and hidden channels must be 1 to 256"), (Net(bands: 257), "bands and hidden channels must be 1 to 256"),
                     (Net(hidden: 0), "bands and hidden channels must be 1 to 256"), (Net(hidden: 257), "bands and hidden channels must be 1 to 256"),
                     (Net(bandTaps: 0), "band taps must be 1 to 65536, the hop and every dilation 1 to 65536"), (Net(bandTaps: 65537), "band taps must be 1 to 65536, the hop and every dilation 1 to 65536"),
                     (Net(hop: 0), "band taps must be 1 to 65536, the hop and every dilation 1 to 65536"), (Net(hop: 65537), "band taps must be 1 to 65536, the hop and every dilation 1 to 65536"),
                     (Net(dilations: [1, 0]), "band taps must be 1 to 65536, the hop and every dilation 1 to 65536"), (Net(dilations: [1, 65537]), "band taps must be 1 to 65536, the hop and every dilation 1 to 65536"),
                     // The issue's: eight blocks of dilation 65536 with a hop of 1 (each in bounds, the whole a 1 M-sample view).
                     (Net(hop: 1, dilations: Enumerable.Repeat(65536, 8).ToArray()), "a receptive field of 1048584 samples; at most 65536 are allowed"),
                     (Net() with { SpectrumBins = -1, SpectrumWindow = 8 }, Spectrum), (Net() with { SpectrumBins = 257, SpectrumWindow = 1024 }, Spectrum),
                     (Net() with { SpectrumBins = 3, SpectrumWindow = 1 }, Spectrum),       // a window shorter than the hop
                     (Net() with { SpectrumBins = 6, SpectrumWindow = 8 }, Spectrum),       // more bins than a window of 8 holds (5)
                     (Net() with { SpectrumBins = 3, SpectrumWindow = 65537 }, Spectrum),
                     (Combed(-1, 8), Comb), (Combed(0, 8), Comb), (Combed(9, 8), Comb), (Combed(1, 4097), Comb),
                     (Combed(1, 8, bins: 1), Comb),                  // no bin but the mean to find a period in
                     (Combed(1, 8, window: 8), Comb),                // a period as long as the window
                     (Net() with { PitchShortestLag = 1, PitchLongestLag = 8 }, Comb),   // no spectrum at all
                 })
            Assert.Equal($"{path}: the model header describes a network of {Quoted.Escape(network.ToString(), 200)}" +
                         (reason.StartsWith("a receptive", StringComparison.Ordinal) ? ", " : "; ") + reason, LoadImproved(network));
    }

    [Fact]
    public void An_improved_header_at_every_bound_passes_the_header_check()
    {
        foreach (var network in new[]
                 {
                     Net(dilations: Enumerable.Repeat(1, 64).ToArray()), Net(dilations: []),
                     Net(bands: 1), Net(bands: 256, hidden: 1), Net(hidden: 1), Net(hidden: 256, bands: 1, dilations: []),
                     Net(bandTaps: 1),
                     Net(bandTaps: 32768, hop: 1, dilations: []),   // R = 2·32767 + 2·1 = 65536
                     Net(bandTaps: 1, hop: 1, dilations: [32767]),  // R = (1 + 2·32767 + 1)·1 = 65536
                     Net(bandTaps: 1, hop: 32768, dilations: []),   // R = 2·32768
                     Net() with { SpectrumBins = 5, SpectrumWindow = 8 }, Net() with { SpectrumBins = 1, SpectrumWindow = 2 },
                     Combed(1, 4096), Combed(1, 7, bins: 2, window: 8), Combed(5, 5),
                 })
            Assert.Contains(PassedTheHeader + $"{network.ParameterCount} coefficients)", LoadImproved(network));
        foreach (var network in new[] { Net(bandTaps: 32768, hop: 2, dilations: []), Net(bandTaps: 1, hop: 1, dilations: [32768]), Net(bandTaps: 1, hop: 32769, dilations: []) })
            Assert.EndsWith($"a receptive field of {network.ReceptiveField} samples; at most 65536 are allowed", LoadImproved(network));
    }

    [Fact]
    public void An_improved_network_has_at_most_MaxParameters_coefficients()
    {
        // 2·256·32000 + 2·(256·256 + 256) = 16 515 584 coefficients pass; 700 taps more per band (2·256·700 more) do not.
        var within = Net(bands: 256, bandTaps: 32000, hop: 1, hidden: 256, dilations: []);
        Assert.Contains(PassedTheHeader + $"{within.ParameterCount} coefficients)", LoadImproved(within));
        var beyond = Net(bands: 256, bandTaps: 32700, hop: 1, hidden: 256, dilations: []);
        Assert.True(beyond.ParameterCount > ModelLimits.MaxParameters);
        Assert.Equal($"{path}: the model header describes {beyond.ParameterCount} coefficients; at most {ModelLimits.MaxParameters} are allowed",
            LoadImproved(beyond));
    }

    [Fact]
    public void An_improved_sample_rate_is_1_to_10_MHz()
    {
        foreach (int rate in new[] { 0, 10_000_001 })
            Assert.Equal($"{path}: the model header claims a sample rate of {rate} Hz", LoadImproved(Net(), rate));
        foreach (int rate in new[] { 1, 10_000_000 })
            Assert.Contains(PassedTheHeader, LoadImproved(Net(), rate));
    }

    [Fact]
    public void An_improved_file_may_carry_Module_save_bookkeeping_for_each_of_its_tensors()
    {
        // Two blocks: 4 + 3·2 + 2 = 12 tensors, so up to 64 + 12 · 128 bytes beyond the coefficients pass the size check
        // (and then fail only when loaded, since they are not a real Module.save).
        var network = Net();
        long most = network.ParameterCount * sizeof(float) + 64 + 12 * 128;
        string message = LoadImproved(network, coefficients: new byte[most]);
        Assert.DoesNotContain("too many", message);
        Assert.Equal($"{path}: {most + 1} bytes of coefficients are too many for its architecture ({network.ParameterCount} coefficients)",
            LoadImproved(network, coefficients: new byte[most + 1]));
    }

    [Fact]
    public void An_improved_header_without_network_or_of_another_version_is_refused()
    {
        ContainerFile.Write(path, FilterBankModelFile.Magic, 1, """{"Network":null,"SampleRate":16000,"Description":""}""", []);
        Assert.Equal($"{path}: the model header has no network", Assert.Throws<InvalidDataException>(() => FilterBankModelFile.Load(path)).Message);
        ContainerFile.Write(path, FilterBankModelFile.Magic, 1,
            """{"Network":{"Bands":2,"BandTaps":4,"Hop":2,"Hidden":3,"Dilations":null},"SampleRate":16000,"Description":""}""", []);
        Assert.Equal($"{path}: the model header has no dilations", Assert.Throws<InvalidDataException>(() => FilterBankModelFile.Load(path)).Message);
        ContainerFile.Write(path, FilterBankModelFile.Magic, 2, ContainerFile.Json(new FilterBankModelFile.Header(Net(), 16000, "")), []);
        Assert.Equal($"{path} is a improved-CNN model of format version 2; this program reads version 1",
            Assert.Throws<InvalidDataException>(() => FilterBankModelFile.Load(path)).Message);
    }

    [Fact]
    public void Saving_an_improved_model_under_another_architecture_is_refused()
    {
        using var model = new FilterBankCnn(Net());
        var header = new FilterBankModelFile.Header(Net(hidden: 4), 16000, "");
        var e = Assert.Throws<ArgumentException>(() => FilterBankModelFile.Save(model, path, header));
        Assert.Equal($"the header describes {header.Network} but the model is {model.Specification}", e.Message);
        Assert.False(File.Exists(path));
    }
}
