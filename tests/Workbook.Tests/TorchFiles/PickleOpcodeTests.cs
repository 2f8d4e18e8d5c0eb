using Workbook.TorchFiles;
using static Workbook.Tests.TorchFiles.PickleBytes;

namespace Workbook.Tests.TorchFiles;

/// <summary>
/// The scanner against Python's <c>pickletools</c> opcode table: each opcode takes exactly the argument the table gives
/// it (so the scan stays in step and stops right after STOP), strings reach STACK_GLOBAL through every way a pickle can
/// push or memoise them, and the size bound holds to the byte. Pickles are assembled here by hand from that table.
/// </summary>
public class PickleOpcodeTests
{
    /// <summary>Opcode → its argument, per pickletools (text arguments end in a newline; counted ones carry a little-endian length).</summary>
    public static TheoryData<string, byte[]> OpcodesWithTheirArguments => new()
    {
        { "STRING", Bytes('S', "'ab'\n") },
        { "UNICODE", Bytes('V', "ab\n") },
        { "FLOAT", Bytes('F', "1.5\n") },
        { "INT", Bytes('I', "3\n") },
        { "LONG", Bytes('L', "3L\n") },
        { "PERSID", Bytes('P', "x\n") },
        { "PUT then GET", Bytes('N', 'p', "5\n", 'g', "5\n") },
        { "PROTO", Bytes(0x80, 4) },
        { "FRAME", Bytes(0x95, Le(3, 8)) },
        { "BININT1", Bytes('K', 1) },
        { "BININT2", Bytes('M', 1, 2) },
        { "BININT", Bytes('J', 1, 2, 3, 4) },
        { "BINFLOAT", Bytes('G', Le(0, 8)) },
        { "BINPUT then BINGET", Bytes('N', 'q', 1, 'h', 1) },
        { "LONG_BINPUT then LONG_BINGET", Bytes('N', 'r', Le(300, 4), 'j', Le(300, 4)) },
        { "SHORT_BINUNICODE", Bytes(0x8c, 2, "ab") },
        { "BINUNICODE", Bytes('X', Le(2, 4), "ab") },
        { "BINUNICODE8", Bytes(0x8d, Le(2, 8), "ab") },
        { "SHORT_BINSTRING", Bytes('U', 2, "ab") },
        { "BINSTRING", Bytes('T', Le(2, 4), "ab") },
        { "SHORT_BINBYTES", Bytes('C', 2, "ab") },
        { "LONG1", Bytes(0x8a, 2, 1, 0) },
        { "BINBYTES", Bytes('B', Le(2, 4), "ab") },
        { "LONG4", Bytes(0x8b, Le(2, 4), 1, 0) },
        { "BINBYTES8", Bytes(0x8e, Le(2, 8), "ab") },
        { "BYTEARRAY8", Bytes(0x96, Le(2, 8), "ab") },
        { "no-argument opcodes", Bytes('(', 'N', '0', 'N', 'N', '2', '1', ')', 'l', ']', '}', 'd', 't', 'Q', 0x81, 0x85, 0x86, 0x87, 0x88, 0x89,
                                        0x8f, 0x90, 0x91, 0x97, 0x98, 'R', 'a', 'b', 'e', 'o', 's', 'u', 0x94) },
    };

    [Theory]
    [MemberData(nameof(OpcodesWithTheirArguments))]
    public void Each_opcode_takes_exactly_its_argument(string opcode, byte[] body)
    {
        // The opcode, STOP, then a byte that is not a pickle opcode: reading past STOP, or stopping early, shows.
        byte[] pickle = [.. body, (byte)'.'];
        var stream = new MemoryStream([.. pickle, 0xff, 0xff]);
        var globals = new List<string>();
        byte[] copy = PickleScanner.ReadOne(stream, globals);
        Assert.Equal(pickle, copy);
        Assert.Equal(pickle.Length, stream.Position);
        Assert.True(globals.Count == 0, opcode);
    }

    /// <summary>Ways to push the strings "os" and "system" for a STACK_GLOBAL.</summary>
    public static TheoryData<string, byte[]> StringPushes => new()
    {
        { "UNICODE", Bytes('V', "os\n", 'V', "system\n") },
        { "STRING, quotes removed", Bytes('S', "'os'\n", 'S', "\"system\"\n") },
        { "BINUNICODE", Bytes('X', Le(2, 4), "os", 'X', Le(6, 4), "system") },
        { "BINUNICODE8", Bytes(0x8d, Le(2, 8), "os", 0x8d, Le(6, 8), "system") },
        { "SHORT_BINSTRING", Bytes('U', 2, "os", 'U', 6, "system") },
        { "BINSTRING", Bytes('T', Le(2, 4), "os", 'T', Le(6, 4), "system") },
        { "PUT and GET", Bytes('V', "os\n", 'p', "3\n", '0', 'V', "system\n", 'p', "4\n", '0', 'g', "3\n", 'g', "4\n") },
        { "BINPUT and BINGET", Bytes('V', "os\n", 'q', 3, '0', 'V', "system\n", 'q', 4, '0', 'h', 3, 'h', 4) },
        { "LONG_BINPUT and LONG_BINGET", Bytes('V', "os\n", 'r', Le(70000, 4), '0', 'V', "system\n", 'r', Le(70001, 4), '0', 'j', Le(70000, 4), 'j', Le(70001, 4)) },
    };

    [Theory]
    [MemberData(nameof(StringPushes))]
    public void Stack_global_reads_its_names_however_they_were_pushed(string how, byte[] pushes)
    {
        var globals = new List<string>();
        PickleScanner.ReadOne(new MemoryStream([0x80, 0x04, .. pushes, 0x93, (byte)'.']), globals);
        Assert.True(globals.SequenceEqual(["os.system"]), $"{how}: {string.Join(", ", globals)}");
    }

    [Fact]
    public void A_value_pushed_between_the_names_breaks_the_pair()
    {
        // "os", None, "system": STACK_GLOBAL takes None and "system", which is not a readable name.
        var globals = new List<string>();
        PickleScanner.ReadOne(new MemoryStream(Bytes(0x80, 4, 0x8c, 2, "os", 'N', 0x8c, 6, "system", 0x93, '.')), globals);
        Assert.Equal([PickleScanner.UnreadableGlobal], globals);
        globals.Clear();
        // A binary argument (bytes, not text) is no name either.
        PickleScanner.ReadOne(new MemoryStream(Bytes(0x80, 4, 0x8c, 2, "os", 'C', 6, "system", 0x93, '.')), globals);
        Assert.Equal([PickleScanner.UnreadableGlobal], globals);
    }

    [Fact]
    public void The_size_bound_holds_to_the_byte()
    {
        byte[] pickle = Bytes(0x80, 2, 'X', Le(5, 4), "hello", '.');
        Assert.Equal(pickle, PickleScanner.ReadOne(new MemoryStream(pickle), [], maxBytes: pickle.Length));
        var e = Assert.Throws<InvalidDataException>(() => PickleScanner.ReadOne(new MemoryStream(pickle), [], maxBytes: pickle.Length - 1));
        Assert.Contains($"longer than {pickle.Length - 1} bytes", e.Message);
        // A text argument counts byte by byte as well.
        byte[] text = Bytes('V', "hello\n", '.');
        Assert.Throws<InvalidDataException>(() => PickleScanner.ReadOne(new MemoryStream(text), [], maxBytes: 5));
    }

    [Fact]
    public void A_length_that_is_negative_or_beyond_any_array_is_refused_before_allocating()
    {
        var negative = Assert.Throws<InvalidDataException>(() => PickleScanner.ReadOne(new MemoryStream(Bytes(0x8d, Le(-1, 8), '.')), []));
        Assert.Contains("claims -1 bytes", negative.Message);
        var huge = Assert.Throws<InvalidDataException>(() => PickleScanner.ReadOne(new MemoryStream(Bytes(0x8e, Le(1L << 40, 8), '.')), []));
        Assert.Contains($"claims {1L << 40} bytes", huge.Message);
        // BINUNICODE's 4-byte length is unsigned: 0xFFFFFFFF is 4 GiB, not −1.
        var unsigned = Assert.Throws<InvalidDataException>(() => PickleScanner.ReadOne(new MemoryStream(Bytes('X', 0xff, 0xff, 0xff, 0xff, '.')), []));
        Assert.Contains("claims 4294967295 bytes", unsigned.Message);
    }

    [Fact]
    public void A_pickle_that_ends_inside_a_text_argument_says_so()
    {
        var e = Assert.Throws<EndOfStreamException>(() => PickleScanner.ReadOne(new MemoryStream(Bytes('V', "no newline")), []));
        Assert.Contains("inside a text argument", e.Message);
    }

    [Fact]
    public void A_byte_that_is_no_opcode_is_named_with_its_offset()
    {
        var e = Assert.Throws<InvalidDataException>(() => PickleScanner.ReadOne(new MemoryStream(Bytes(0x80, 2, 'N', 0xfe)), []));
        Assert.Equal("byte 0xfe at offset 3 of the pickle is not a pickle opcode", e.Message);
    }

    [Fact]
    public void Extension_codes_are_read_little_endian_and_unsigned_where_the_table_says()
    {
        var globals = new List<string>();
        PickleScanner.ReadOne(new MemoryStream(Bytes(0x82, 0xff, 0x83, 0xff, 0xff, 0x84, Le(70000, 4), '.')), globals);
        Assert.Equal([PickleScanner.ExtensionGlobal(255), PickleScanner.ExtensionGlobal(65535), PickleScanner.ExtensionGlobal(70000)], globals);
        Assert.Equal("<the global registered as extension code 255>", globals[0]);
    }
}
