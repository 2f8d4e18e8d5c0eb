using Workbook.TorchFiles;
using static Workbook.Tests.TorchFiles.PickleBytes;

namespace Workbook.Tests.TorchFiles;

/// <summary>
/// STACK_GLOBAL takes its module and name from the two values on top of the stack, so the scanner must know, after
/// every opcode that pushes, that the top is no longer the strings pushed before: otherwise it would report a name
/// the pickle does not use. Each opcode's argument is laid out as in Python's <c>pickletools</c> table.
/// </summary>
public class PickleStackTrackingTests
{
    /// <summary>An opcode that pushes a value that is not a string (with its argument), and the globals it names itself.</summary>
    public static TheoryData<string, byte[], string[]> NonStringPushes => new()
    {
        { "STACK_GLOBAL", Bytes(0x8c, 1, "x", 0x8c, 1, "y", 0x93), ["x.y"] },
        { "GLOBAL", Bytes('c', "torch\nFloatStorage\n"), ["torch.FloatStorage"] },
        { "INST", Bytes('(', 'i', "torch\nFloatStorage\n"), ["torch.FloatStorage"] },
        { "FLOAT", Bytes('F', "1.5\n"), [] },
        { "INT", Bytes('I', "3\n"), [] },
        { "LONG", Bytes('L', "3L\n"), [] },
        { "PERSID", Bytes('P', "0\n"), [] },
        { "BININT1", Bytes('K', 1), [] },
        { "BININT2", Bytes('M', 1, 2), [] },
        { "BININT", Bytes('J', 1, 2, 3, 4), [] },
        { "EXT1", Bytes(0x82, 1), [PickleScanner.ExtensionGlobal(1)] },
        { "EXT2", Bytes(0x83, 1, 0), [PickleScanner.ExtensionGlobal(1)] },
        { "EXT4", Bytes(0x84, 1, 0, 0, 0), [PickleScanner.ExtensionGlobal(1)] },
        { "BINFLOAT", Bytes('G', Le(0, 8)), [] },
        { "SHORT_BINBYTES", Bytes('C', 2, "ab"), [] },
        { "LONG1", Bytes(0x8a, 1, 1), [] },
        { "BINBYTES", Bytes('B', Le(2, 4), "ab"), [] },
        { "LONG4", Bytes(0x8b, Le(1, 4), 1), [] },
        { "BINBYTES8", Bytes(0x8e, Le(2, 8), "ab"), [] },
        { "BYTEARRAY8", Bytes(0x96, Le(2, 8), "ab"), [] },
    };

    [Theory]
    [MemberData(nameof(NonStringPushes))]
    public void After_a_non_string_push_stack_global_has_no_readable_name(string opcode, byte[] push, string[] itsGlobals)
    {
        // "collections" "OrderedDict" <push> STACK_GLOBAL: Python would take the push and "OrderedDict", never collections.OrderedDict.
        var globals = new List<string>();
        PickleScanner.ReadOne(new MemoryStream(Bytes(0x80, 4, 0x8c, 11, "collections", 0x8c, 11, "OrderedDict", push, 0x93, '.')), globals);
        Assert.True(globals.SequenceEqual([.. itsGlobals, PickleScanner.UnreadableGlobal]), $"{opcode}: {string.Join(", ", globals)}");
    }

    [Fact]
    public void Unicode_text_keeps_its_quotes_and_only_STRING_loses_them()
    {
        // UNICODE's argument is the text itself (raw-unicode-escape); STRING's is a quoted repr.
        var globals = new List<string>();
        PickleScanner.ReadOne(new MemoryStream(Bytes(0x80, 4, 'V', "'os'\n", 'V', "\"system\"\n", 0x93, '.')), globals);
        Assert.Equal(["'os'.\"system\""], globals);
    }

    [Fact]
    public void A_text_argument_may_hold_a_NUL_byte()
    {
        byte[] pickle = Bytes('V', "a", 0, "b\n", '.');
        Assert.Equal(pickle, PickleScanner.ReadOne(new MemoryStream(pickle), []));
    }

    [Fact]
    public void A_text_argument_without_its_newline_stops_at_the_size_bound_not_at_the_end_of_the_stream()
    {
        var e = Assert.Throws<InvalidDataException>(() => PickleScanner.ReadOne(new MemoryStream(Bytes('V', "hello")), [], maxBytes: 3));
        Assert.Equal("the pickle is longer than 3 bytes, more than this file can hold or its tensors need", e.Message);
    }

    [Fact]
    public void A_length_of_exactly_the_largest_array_is_held_to_the_files_bound()
    {
        // Not beyond any array, so the bound of the file is what refuses it (before allocating 2 GB).
        var e = Assert.Throws<InvalidDataException>(() =>
            PickleScanner.ReadOne(new MemoryStream(Bytes(0x8e, Le(Array.MaxLength, 8))), [], maxBytes: 100));
        Assert.Equal("the pickle is longer than 100 bytes, more than this file can hold or its tensors need", e.Message);
    }
}
