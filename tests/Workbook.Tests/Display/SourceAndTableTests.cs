using Workbook.Display;
using Workbook.Networks;
using Workbook.Signals;
using static TorchSharp.torch;

namespace Workbook.Tests.Display;

public class SourceAndTableTests
{
    [Fact]
    public void Source_shows_the_file_that_declares_a_class()
    {
        var source = Source.Of<MimoFilter>();
        Assert.Equal("src/Workbook/Networks/MimoFilter.cs", source.RelativePath);
        Assert.Contains("public sealed class MimoFilter", source.Text);
        Assert.Equal(File.ReadAllText(Path.Combine(Source.RepositoryRoot(), source.RelativePath)).TrimEnd(), source.Text);
        Assert.Contains("language-csharp", source.ToHtml());
    }

    [Fact]
    public void Source_finds_static_classes_and_records()
    {
        Assert.Contains("public static class ShiftOperator", Source.Of(typeof(ShiftOperator)).Text);
        Assert.Contains("public sealed record CnnSpecification", Source.Of<CnnSpecification>().Text);
    }

    [Fact]
    public void Table_renders_html_and_aligned_text()
    {
        var table = Table.Of(new[] { "name", "loss" }, new object?[] { "identity", 0.046561234 }, new object?[] { "<cnn>", 0.0329 });
        string html = table.ToHtml();
        Assert.Contains("<th", html);
        Assert.Contains("&lt;cnn&gt;", html);
        Assert.Contains("0.046561", html);
        string[] lines = table.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("name      loss", lines[0]);
    }

    [Fact]
    public void Tensor_text_is_short()
    {
        using var v = tensor(new float[] { 0.5f, -1f, 2f });
        using var m = tensor(new float[,] { { 1, 0 }, { 0, 1 } });
        Assert.Equal("[0.5, -1, 2]", TensorText.Of(v));
        Assert.Equal("[[1, 0], [0, 1]]", TensorText.Of(m));
        Assert.Equal("[2, 2]", TensorText.Shape(m));
    }
}
