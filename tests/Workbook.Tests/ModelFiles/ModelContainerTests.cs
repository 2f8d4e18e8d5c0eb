using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Workbook.Networks;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.ModelFiles;

namespace Workbook.Tests.ModelFiles;

/// <summary>
/// The model container's checks, one by one, on files written byte by byte here (an independent route from
/// <see cref="ModelContainer.Write"/>): each bound is tried at its edge and one past it, and each refusal must be the
/// one line that names the file and the problem.
/// </summary>
public sealed class ModelContainerTests : IDisposable
{
    /// <summary>A container reading versions 2 and 3, of which only 3 carries a length and a checksum.</summary>
    private static readonly ModelContainer Container = new("TEST-MAGIC", "test model", Version: 3, OldestVersion: 2, FirstChecksummedVersion: 3);

    /// <summary>What the checker below says every header needs: 10 float32 coefficients in one tensor, so
    /// Module.save's bytes may be 40 to 40 + 64 + 128 = 232.</summary>
    private static readonly ModelContainer.Size TenCoefficients = new(40, 1);

    private sealed record TestHeader(int Number);

    private readonly string folder = Directory.CreateTempSubdirectory("container-").FullName;
    private readonly string path;

    public ModelContainerTests() => path = Path.Combine(folder, "model.bin");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private (TestHeader Header, byte[] Coefficients) Read() => Container.Read<TestHeader>(path, _ => TenCoefficients);

    private string Refusal() => Assert.Throws<InvalidDataException>(() => Read()).Message;

    [Fact]
    public void A_missing_file_is_named()
    {
        var e = Assert.Throws<FileNotFoundException>(() => Read());
        Assert.Equal($"model file {path} does not exist", e.Message);
    }

    [Fact]
    public void Holds_only_a_file_that_starts_with_the_whole_magic()
    {
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("TEST"));          // shorter than the magic, and its start
        Assert.False(Container.Holds(path));
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("TEST-MAGIX and more"));
        Assert.False(Container.Holds(path));
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("TEST-MAGIC and more"));
        Assert.True(Container.Holds(path));
    }

    [Fact]
    public void Versions_outside_the_range_read_are_refused_with_the_range()
    {
        foreach (int version in new[] { 1, 4 })
        {
            ContainerFile.Write(path, "TEST-MAGIC", version, """{"Number":1}""", new byte[40]);
            Assert.Equal($"{path} is a test model of format version {version}; this program reads versions 2 to 3", Refusal());
        }
        ContainerFile.Write(path, "TEST-MAGIC", 2, """{"Number":1}""", new byte[40], checksummed: false);
        Assert.Equal(1, Read().Header.Number);

        var single = new ModelContainer("TEST-MAGIC", "test model", Version: 1, OldestVersion: 1, FirstChecksummedVersion: 1);
        ContainerFile.Write(path, "TEST-MAGIC", 2, """{"Number":1}""", new byte[40]);
        Assert.Equal($"{path} is a test model of format version 2; this program reads version 1",
            Assert.Throws<InvalidDataException>(() => single.Read<TestHeader>(path, _ => TenCoefficients)).Message);
    }

    [Fact]
    public void The_header_length_must_be_0_to_MaxHeaderBytes()
    {
        ContainerFile.WriteRawHeader(path, "TEST-MAGIC", 3, length: -1, []);
        Assert.Equal($"{path}: the model header claims -1 bytes; at most {ModelContainer.MaxHeaderBytes} are allowed", Refusal());
        ContainerFile.WriteRawHeader(path, "TEST-MAGIC", 3, length: ModelContainer.MaxHeaderBytes + 1, []);
        Assert.Equal($"{path}: the model header claims {ModelContainer.MaxHeaderBytes + 1} bytes; at most {ModelContainer.MaxHeaderBytes} are allowed", Refusal());

        // Zero bytes pass the bound and are then no JSON at all.
        ContainerFile.WriteRawHeader(path, "TEST-MAGIC", 3, length: 0, []);
        Assert.StartsWith($"{path}: the model header is truncated or corrupt (", Refusal());

        // Exactly MaxHeaderBytes: a header padded with spaces to the limit is read.
        string padded = """{"Number":7}""".PadRight(ModelContainer.MaxHeaderBytes);
        ContainerFile.Write(path, "TEST-MAGIC", 3, padded, new byte[40]);
        Assert.Equal(7, Read().Header.Number);
    }

    [Fact]
    public void A_null_header_is_empty_and_a_short_one_truncated()
    {
        ContainerFile.Write(path, "TEST-MAGIC", 3, "null", new byte[40]);
        Assert.Equal($"{path}: the model header is empty", Refusal());

        ContainerFile.WriteRawHeader(path, "TEST-MAGIC", 3, length: 100, Encoding.UTF8.GetBytes("""{"Number":1}"""));
        Assert.Equal($"{path}: the model header is truncated or corrupt (the file ends inside the header)", Refusal());
    }

    [Fact]
    public void A_file_ending_inside_the_checksum_is_truncated()
    {
        ContainerFile.Write(path, "TEST-MAGIC", 3, """{"Number":1}""", new byte[40]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^(40 + 22)]);   // 10 of the checksum's 32 bytes left
        Assert.Equal($"{path}: the model's coefficients are truncated (the file ends inside the checksum)", Refusal());
    }

    [Fact]
    public void The_declared_length_must_be_the_bytes_present()
    {
        ContainerFile.Write(path, "TEST-MAGIC", 3, """{"Number":1}""", new byte[40], declared: 100);
        Assert.Equal($"{path}: the model's coefficients are truncated (40 of 100 bytes present)", Refusal());
        ContainerFile.Write(path, "TEST-MAGIC", 3, """{"Number":1}""", new byte[50], declared: 40);
        Assert.Equal($"{path}: 10 unexpected bytes after the coefficients", Refusal());
    }

    [Fact]
    public void The_coefficients_must_be_about_the_size_the_architecture_needs()
    {
        ContainerFile.Write(path, "TEST-MAGIC", 3, """{"Number":1}""", new byte[39]);
        Assert.Equal($"{path}: the model's coefficients are truncated or do not match its architecture (39 bytes for 10 coefficients)", Refusal());
        ContainerFile.Write(path, "TEST-MAGIC", 3, """{"Number":1}""", new byte[233]);
        Assert.Equal($"{path}: 233 bytes of coefficients are too many for its architecture (10 coefficients)", Refusal());

        foreach (int length in new[] { 40, 232 })
        {
            var coefficients = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
            ContainerFile.Write(path, "TEST-MAGIC", 3, """{"Number":1}""", coefficients);
            Assert.Equal(coefficients, Read().Coefficients);
        }
    }

    [Fact]
    public void A_version_without_checksum_takes_the_rest_of_the_file_as_coefficients()
    {
        var coefficients = Enumerable.Range(0, 40).Select(i => (byte)(3 * i)).ToArray();
        ContainerFile.Write(path, "TEST-MAGIC", 2, """{"Number":5}""", coefficients, checksummed: false);
        var (header, read) = Read();
        Assert.Equal(5, header.Number);
        Assert.Equal(coefficients, read);
    }

    [Fact]
    public void A_flipped_coefficient_byte_fails_the_checksum()
    {
        ContainerFile.Write(path, "TEST-MAGIC", 3, """{"Number":1}""", new byte[40]);
        var bytes = File.ReadAllBytes(path);
        bytes[^5] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Equal($"{path}: the model file is corrupt: its checksum does not match its header and coefficients", Refusal());
    }

    [Fact]
    public void Loading_coefficients_needs_the_same_architecture_and_every_byte()
    {
        var small = new CnnSpecification(new long[] { 3 }, new long[] { 1, 1 }, TanhPlacement.BetweenLayers);
        var deeper = new CnnSpecification(new long[] { 3, 2 }, new long[] { 1, 2, 1 }, TanhPlacement.BetweenLayers);
        byte[] saved = ContainerFile.SaveBytes(new MimoCnn(small));

        using (var same = ModelContainer.LoadCoefficients(new MimoCnn(small), saved, path)) Assert.Equal(small, same.Specification);

        var e = Assert.Throws<InvalidDataException>(() => ModelContainer.LoadCoefficients(new MimoCnn(deeper), saved, path));
        Assert.StartsWith($"{path}: the model's coefficients are truncated or do not match its architecture (", e.Message);

        e = Assert.Throws<InvalidDataException>(() => ModelContainer.LoadCoefficients(new MimoCnn(small), [.. saved, 1, 2, 3], path));
        Assert.Equal($"{path}: 3 unexpected bytes after the coefficients", e.Message);
    }
}

/// <summary>Writes container files byte by byte, as the layout in <see cref="ModelContainer"/> describes it.</summary>
internal static class ContainerFile
{
    public static void Write(string path, string magic, int version, string json, byte[] coefficients,
        bool checksummed = true, long? declared = null)
    {
        using var writer = new BinaryWriter(File.Create(path), Encoding.UTF8);
        writer.Write(Encoding.ASCII.GetBytes(magic));
        writer.Write(version);
        writer.Write(json);
        if (checksummed)
        {
            writer.Write(declared ?? coefficients.Length);
            writer.Write(SHA256.HashData([.. Encoding.UTF8.GetBytes(json), .. coefficients]));
        }
        writer.Write(coefficients);
    }

    /// <summary>A file whose header length prefix is <paramref name="length"/>, followed by just <paramref name="json"/>.</summary>
    public static void WriteRawHeader(string path, string magic, int version, int length, byte[] json)
    {
        using var writer = new BinaryWriter(File.Create(path), Encoding.UTF8);
        writer.Write(Encoding.ASCII.GetBytes(magic));
        writer.Write(version);
        writer.Write7BitEncodedInt(length);
        writer.Write(json);
    }

    /// <summary><c>Module.save</c>'s bytes for <paramref name="module"/> (which is disposed).</summary>
    public static byte[] SaveBytes(nn.Module module)
    {
        using var _ = module;
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true)) module.save(writer);
        return stream.ToArray();
    }

    public static string Json<T>(T header) => JsonSerializer.Serialize(header);
}
