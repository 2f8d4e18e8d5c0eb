using Workbook.Data;
using Workbook.TorchFiles;
using Workbook.Tests.Data;

namespace Workbook.Tests.TorchFiles;

public class PickleScannerTests
{
    [Fact]
    public void Lists_the_globals_of_a_real_torch_pickle_and_stops_right_after_STOP()
    {
        // The legacy fixture is five pickles in a row: each scan must leave the stream at the next one.
        using var file = File.OpenRead(FixtureFiles.Path("pairs-torch1-legacy.pt"));
        var globals = new List<string>();
        for (int i = 0; i < 3; i++) Assert.Empty(Scan(file, globals));
        var objectGlobals = Scan(file, globals);
        Assert.Equal(["collections.OrderedDict", "torch.FloatStorage", "torch._utils._rebuild_tensor_v2"], objectGlobals.Distinct().Order());
        Assert.Empty(Scan(file, globals)); // the storage key list
        Assert.Equal(24 * (8 + 400 * 4), file.Length - file.Position); // what is left: 24 storages (count + 400 floats)
    }

    private static List<string> Scan(Stream stream, List<string> globals)
    {
        globals.Clear();
        PickleScanner.ReadOne(stream, globals);
        return [.. globals];
    }

    [Fact]
    public void Reads_stack_global_names_through_the_memo()
    {
        // Protocol 4: "os" MEMOIZE(0) "system" MEMOIZE(1) STACK_GLOBAL, then BINGET 0, BINGET 1, STACK_GLOBAL again.
        byte[] pickle = [0x80, 0x04, 0x8c, 2, .. "os"u8, 0x94, 0x8c, 6, .. "system"u8, 0x94, 0x93, (byte)'h', 0, (byte)'h', 1, 0x93,
                         (byte)'t', (byte)'.'];
        var globals = new List<string>();
        PickleScanner.ReadOne(new MemoryStream(pickle), globals);
        Assert.Equal(["os.system", "os.system"], globals);
    }

    [Fact]
    public void A_stack_global_whose_name_is_not_a_plain_string_is_reported_as_unreadable()
    {
        byte[] pickle = [0x80, 0x04, (byte)'K', 1, (byte)'K', 2, 0x93, (byte)'.'];
        var globals = new List<string>();
        PickleScanner.ReadOne(new MemoryStream(pickle), globals);
        Assert.Equal([PickleScanner.UnreadableGlobal], globals);
    }

    [Fact]
    public void A_pickle_without_STOP_or_with_a_bad_opcode_fails()
    {
        Assert.Throws<EndOfStreamException>(() => PickleScanner.ReadOne(new MemoryStream([0x80, 0x02, (byte)']']), []));
        Assert.Throws<InvalidDataException>(() => PickleScanner.ReadOne(new MemoryStream([0x80, 0x02, 0xff]), []));
    }
}
