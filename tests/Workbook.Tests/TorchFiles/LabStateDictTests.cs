using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Workbook.Data;
using Workbook.TorchFiles;
using Workbook.Networks;
using static TorchSharp.torch;
using Workbook.Tests.Data;

namespace Workbook.Tests.TorchFiles;

/// <summary>
/// The handout's own network as real PyTorch saved it (Fixtures/lab-cnn-state-dict.pt, PyTorch 1.13): its layout
/// ([K, G, F] per layer) and its forward pass on one clip (Fixtures/lab-cnn-expected.json).
/// </summary>
public class LabStateDictTests
{
    private static string StateDict => FixtureFiles.Path("lab-cnn-state-dict.pt");

    private static JsonElement Expected()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FixtureFiles.Path("lab-cnn-expected.json")));
        return document.RootElement.Clone();
    }

    private static Tensor Floats(JsonElement array, long[] shape) =>
        tensor(array.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(), shape);

    [Fact]
    public void Reads_the_keys_and_shapes_PyTorch_wrote()
    {
        var entries = LabStateDict.Read(StateDict);
        var expected = Expected().GetProperty("state_dict_keys").EnumerateObject()
            .Select(p => (p.Name, p.Value.EnumerateArray().Select(v => v.GetInt64()).ToArray())).ToList();
        Assert.Equal(expected.Select(e => e.Name), entries.Select(e => e.Key));
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i].Item2, entries[i].Value.shape);
        foreach (var entry in entries) entry.Value.Dispose();
    }

    [Fact]
    public void The_imported_network_reproduces_the_labs_output()
    {
        var e = Expected();
        var shape = e.GetProperty("input_shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        using var scope = NewDisposeScope();
        var input = Floats(e.GetProperty("input"), shape);
        var expected = Floats(e.GetProperty("output"), shape);
        using var cnn = LabStateDict.ReadMimoCnn(StateDict);

        Assert.Equal(new long[] { 40, 40 }, cnn.Specification.Taps);
        Assert.Equal(new long[] { 1, 5, 1 }, cnn.Specification.Features);
        // Both of our forward passes: inference (tanh folded into the filters) and training (with gradients).
        Tensor inference;
        using (no_grad()) inference = cnn.call(input);
        var training = cnn.call(input.requires_grad_(true)).detach();
        foreach (var (output, pass) in new[] { (inference, "inference"), (training, "training") })
        {
            double worst = (output - expected).abs().max().item<float>();
            Assert.True(worst <= 1e-5, $"{pass} pass: largest difference from PyTorch's output {worst:E2}");
        }
        Assert.True(expected.abs().max().item<float>() > 0.01, "the expected output is not trivially zero");
    }

    [Fact]
    public void Each_layer_is_the_files_K_G_F_tensor_with_dimensions_1_and_2_swapped()
    {
        var entries = LabStateDict.Read(StateDict);
        using var cnn = LabStateDict.ToMimoCnn(entries);
        for (int l = 0; l < 2; l++)
        {
            var saved = entries[l].Value;   // [K, G, F]
            var h = cnn.Layers[l].H.detach();  // [K, F, G]
            Assert.Equal(new[] { saved.shape[0], saved.shape[2], saved.shape[1] }, h.shape);
            for (long k = 0; k < saved.shape[0]; k += 13)
                for (long g = 0; g < saved.shape[1]; g++)
                    for (long f = 0; f < saved.shape[2]; f++)
                        Assert.Equal(saved[k, g, f].item<float>(), h[k, f, g].item<float>());
        }
        foreach (var entry in entries) entry.Value.Dispose();
    }

    [Fact]
    public void The_files_spreads_are_the_handouts_xavier_normal_not_the_swapped_fans()
    {
        // PyTorch's xavier_normal_ on the handout's [K, G, F] layer; 200 draws per layer, so about 5% sampling error:
        // enough to tell the handout's std from the swapped one (a factor 2.1 apart), which is what this checks.
        var entries = LabStateDict.Read(StateDict);
        var features = new long[] { 1, 5, 1 };
        for (int l = 0; l < 2; l++)
        {
            double std = entries[l].Value.std().item<float>();
            double ours = MimoFilter.InitialStd(40, features[l], features[l + 1]);
            double swapped = Math.Sqrt(2.0 / (features[l] * features[l + 1] + 40 * features[l + 1]));
            Assert.True(Math.Abs(Math.Log(std / ours)) < Math.Abs(Math.Log(std / swapped)) / 3,
                $"layer {l + 1}: the file's std {std:F4}, ours {ours:F4}, swapped fans {swapped:F4}");
        }
        foreach (var entry in entries) entry.Value.Dispose();
    }

    [Fact]
    public void Reading_the_network_leaves_no_tensor_alive_but_its_own_filters()
    {
        // The state_dict's tensors and every temporary are released when ReadMimoCnn returns, not whenever the GC runs.
        var statistics = TorchSharp.DisposeScopeManager.Statistics;
        long before = statistics.ThreadTotalLiveCount;
        using (var cnn = LabStateDict.ReadMimoCnn(StateDict))
            Assert.Equal(before + cnn.Layers.Count, statistics.ThreadTotalLiveCount);
        Assert.Equal(before, statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void A_file_that_is_not_a_state_dict_is_refused_with_what_it_holds()
    {
        var pairs = Assert.Throws<InvalidDataException>(() => LabStateDict.ReadMimoCnn(FixtureFiles.Path("pairs-torch1-zip.pt")));
        Assert.Contains("holds a list of 12 items, expected a state_dict", pairs.Message);
        var legacy = Assert.Throws<InvalidDataException>(() => LabStateDict.Read(FixtureFiles.Path("pairs-torch1-legacy.pt")));
        Assert.Contains("legacy-format", legacy.Message);
    }

    [Fact]
    public void Layers_that_do_not_chain_or_unknown_keys_are_named()
    {
        using var scope = NewDisposeScope();
        var mismatched = new List<KeyValuePair<string, Tensor>> { new("layers.0.filter", zeros(4, 5, 1)), new("layers.1.filter", zeros(4, 1, 3)) };
        Assert.Contains("layers.1.filter takes 3 inputs", Assert.Throws<InvalidDataException>(() => LabStateDict.ToMimoCnn(mismatched)).Message);
        var unknown = new List<KeyValuePair<string, Tensor>> { new("layers.0.filter", zeros(4, 5, 1)), new("layers.0.bias", zeros(5)) };
        Assert.Contains("'layers.0.bias'", Assert.Throws<InvalidDataException>(() => LabStateDict.ToMimoCnn(unknown)).Message);
        var gap = new List<KeyValuePair<string, Tensor>> { new("layers.0.filter", zeros(4, 5, 1)), new("layers.2.filter", zeros(4, 1, 5)) };
        Assert.Contains("without gaps", Assert.Throws<InvalidDataException>(() => LabStateDict.ToMimoCnn(gap)).Message);
    }

    [Fact]
    public void A_flipped_byte_in_a_layers_storage_fails_its_crc()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File("flipped.pt");
        File.Copy(StateDict, path);
        var entries = LabStateDict.Read(path);
        float[] first = entries[0].Value.contiguous().data<float>().ToArray();
        foreach (var entry in entries) entry.Value.Dispose();
        // torch.save stores tensors uncompressed, so the coefficients' bytes sit in the file as they are.
        var bytes = File.ReadAllBytes(path);
        int at = bytes.AsSpan().IndexOf(MemoryMarshal.AsBytes(first.AsSpan(3, 4)));
        Assert.True(at > 0);
        bytes[at] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        var refused = Assert.Throws<InvalidDataException>(() => LabStateDict.Read(path));
        Assert.StartsWith(path + ":", refused.Message);
        Assert.Contains("of layers.0.filter is corrupt (its zip CRC-32 does not match)", refused.Message);
    }

    [Fact]
    public void An_oversized_byteorder_record_or_pickle_is_refused_before_it_is_read()
    {
        using var scratch = new ScratchFolder();
        var pickle = TorchFileBuilder.Pickle(new PyDict(), new Dictionary<string, float[]>());
        string longOrder = scratch.File("long-byteorder.pt");
        TorchFileBuilder.WriteZipEntries(longOrder, new Dictionary<string, byte[]>
        {
            ["archive/data.pkl"] = pickle,
            ["archive/byteorder"] = Encoding.ASCII.GetBytes(new string(' ', 1000) + "little"),
        });
        Assert.Contains("the byteorder record inflates to 1006 bytes", Assert.Throws<InvalidDataException>(() => LabStateDict.Read(longOrder)).Message);

        // A pickle padded far past what a state_dict without storages needs (1 MB) is not inflated.
        string bigPickle = scratch.File("big-pickle.pt");
        var padded = new byte[(1 << 20) + 100];
        pickle.CopyTo(padded, 0);
        TorchFileBuilder.WriteZipEntries(bigPickle, new Dictionary<string, byte[]> { ["archive/data.pkl"] = padded });
        Assert.Contains("the pickle (archive/data.pkl) inflates to 1048676 bytes", Assert.Throws<InvalidDataException>(() => LabStateDict.Read(bigPickle)).Message);
    }
}
