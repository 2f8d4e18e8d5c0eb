using Workbook.Data;

namespace Workbook.Tests.Data;

public class WavPairFolderTests
{
    private static void WritePair(ScratchFolder scratch, string name, float[] noisy, float[] clean)
    {
        Directory.CreateDirectory(scratch.File("noisy"));
        Directory.CreateDirectory(scratch.File("clean"));
        WavAudio.Write(scratch.File($"noisy/{name}.wav"), noisy, 16000, WavSampleFormat.Float32);
        WavAudio.Write(scratch.File($"clean/{name}.wav"), clean, 16000, WavSampleFormat.Float32);
    }

    [Fact]
    public void Pairs_are_read_sorted_by_name_with_x_from_noisy_and_y_from_clean()
    {
        using var scratch = new ScratchFolder();
        WritePair(scratch, "b", [1, 2, 3], [4, 5, 6]);
        WritePair(scratch, "a", [7, 8, 9], [0.5f, 0.25f, 0]);
        using var clips = WavPairFolder.Read(scratch.Root);
        Assert.Equal(["a", "b"], clips.Names);
        Assert.Equal([2L, 1, 3], clips.Noisy.shape);
        TensorAssert.Equal([7, 8, 9, 1, 2, 3], clips.Noisy.flatten());
        TensorAssert.Equal([0.5f, 0.25f, 0, 4, 5, 6], clips.Clean.flatten());
        Assert.Equal(16000, clips.SampleRate);
        Assert.Equal(scratch.Root, clips.Source);
    }

    [Fact]
    public void A_clip_on_one_side_only_is_named()
    {
        using var scratch = new ScratchFolder();
        WritePair(scratch, "both", [1, 2], [3, 4]);
        WavAudio.Write(scratch.File("noisy/lonely.wav"), [1, 2], 16000);
        var e = Assert.Throws<InvalidDataException>(() => WavPairFolder.Read(scratch.Root));
        Assert.Contains("clip lonely is in noisy/ but not in clean/", e.Message);

        File.Move(scratch.File("noisy/lonely.wav"), scratch.File("clean/lonely.wav"));
        e = Assert.Throws<InvalidDataException>(() => WavPairFolder.Read(scratch.Root));
        Assert.Contains("clip lonely is in clean/ but not in noisy/", e.Message);
    }

    [Fact]
    public void A_pair_of_unequal_length_is_named()
    {
        using var scratch = new ScratchFolder();
        WritePair(scratch, "short", [1, 2, 3], [1, 2]);
        var e = Assert.Throws<InvalidDataException>(() => WavPairFolder.Read(scratch.Root));
        Assert.Contains("clip short: noisy has 3 samples and clean has 2", e.Message);
    }

    [Fact]
    public void Pairs_of_different_lengths_are_refused()
    {
        using var scratch = new ScratchFolder();
        WritePair(scratch, "one", [1, 2, 3], [1, 2, 3]);
        WritePair(scratch, "two", [1, 2], [1, 2]);
        var e = Assert.Throws<InvalidDataException>(() => WavPairFolder.Read(scratch.Root));
        Assert.Contains("clip two has 2 samples", e.Message);
    }

    [Fact]
    public void Missing_folders_and_empty_folders_are_explained()
    {
        using var scratch = new ScratchFolder();
        Assert.Throws<DirectoryNotFoundException>(() => WavPairFolder.Read(scratch.File("nowhere")));
        var e = Assert.Throws<DirectoryNotFoundException>(() => WavPairFolder.Read(scratch.Root));
        Assert.Contains("noisy/", e.Message);
        Directory.CreateDirectory(scratch.File("noisy"));
        Directory.CreateDirectory(scratch.File("clean"));
        Assert.Contains("hold no .wav files", Assert.Throws<InvalidDataException>(() => WavPairFolder.Read(scratch.Root)).Message);
    }
}
