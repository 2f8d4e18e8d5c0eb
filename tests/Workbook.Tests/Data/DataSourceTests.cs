using Workbook.Data;
using static TorchSharp.torch;

namespace Workbook.Tests.Data;

public class DataSourceTests
{
    private static PairedClips NotExpected() => throw new InvalidOperationException("the bundled set should not be loaded");

    [Fact]
    public void Null_loads_the_bundled_data_set()
    {
        using var bundled = new PairedClips(["only"], zeros(1, 1, 4), ones(1, 1, 4), 16000, "bundled data set");
        Assert.Same(bundled, DataSource.Load(null, () => bundled));
    }

    [Fact]
    public void A_pt_file_is_read_as_the_course_format()
    {
        using var clips = DataSource.Load(FixtureFiles.Path("pairs-torch2-zip.pt"), NotExpected);
        Assert.Equal(12, clips.Count);
    }

    [Fact]
    public void A_folder_is_read_as_WAV_pairs()
    {
        using var scratch = new ScratchFolder();
        Directory.CreateDirectory(scratch.File("noisy"));
        Directory.CreateDirectory(scratch.File("clean"));
        WavAudio.Write(scratch.File("noisy/a.wav"), [0.5f, 0.25f], 16000);
        WavAudio.Write(scratch.File("clean/a.wav"), [0.5f, 0.25f], 16000);
        using var clips = DataSource.Load(scratch.Root, NotExpected);
        Assert.Equal(["a"], clips.Names);
    }

    [Fact]
    public void A_missing_path_is_FileNotFound_naming_it()
    {
        var e = Assert.Throws<FileNotFoundException>(() => DataSource.Load("/no/such/data.pt", NotExpected));
        Assert.Contains("/no/such/data.pt", e.Message);
    }

    [Fact]
    public void An_unknown_kind_of_file_lists_the_supported_kinds()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.File("data.csv");
        File.WriteAllText(path, "1,2,3");
        var e = Assert.Throws<NotSupportedException>(() => DataSource.Load(path, NotExpected));
        Assert.Contains(path, e.Message);
        Assert.Contains(".pt file", e.Message);
        Assert.Contains("noisy/NAME.wav", e.Message);
    }
}
