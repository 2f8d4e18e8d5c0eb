using Workbook.Tests.Data;
using Workbook.TorchFiles;
using Workbook.Data;

namespace Workbook.Tests.TorchFiles;

/// <summary>
/// The README's promise about files from elsewhere: a .pt file whose pickle names anything outside the allow-list is
/// refused, whichever opcode names it. Each pickle below is hand-assembled from Python's <c>pickletools</c> opcode
/// table (not from the scanner), and goes in through the interfaces users call: the course's data file (zip and
/// legacy layouts) and the handout's state_dict.
/// </summary>
public class PickleGlobalsTests
{
    private static readonly byte[] EchoArgument = [(byte)'X', 10, 0, 0, 0, .. "echo pwned"u8];

    /// <summary>Opcode name → (a pickle that uses it to reach a callable, what the refusal must name).</summary>
    public static TheoryData<string, byte[], string> NamingOpcodes => new()
    {
        // GLOBAL 'c': "module\nname\n", then the argument, TUPLE1, REDUCE.
        { "GLOBAL", [0x80, 0x02, .. "cos\nsystem\n"u8, .. EchoArgument, 0x85, (byte)'R', (byte)'.'], "os.system" },
        // STACK_GLOBAL 0x93: module and name are strings on the stack (protocol 4).
        { "STACK_GLOBAL", [0x80, 0x04, 0x8c, 2, .. "os"u8, 0x8c, 6, .. "system"u8, 0x93, .. EchoArgument, 0x85, (byte)'R', (byte)'.'], "os.system" },
        // INST 'i': MARK, the arguments, then "module\nname\n": builds module.name(*arguments) in one opcode.
        { "INST", [(byte)'(', .. EchoArgument, .. "ios\nsystem\n"u8, (byte)'.'], "os.system" },
        // OBJ 'o': MARK, the class (here from GLOBAL), the arguments, OBJ: calls the class with them.
        { "OBJ", [0x80, 0x01, (byte)'(', .. "cos\nsystem\n"u8, .. EchoArgument, (byte)'o', (byte)'.'], "os.system" },
        // OBJ with the class fetched from the memo (PUT earlier, GET here): the name is still the GLOBAL's.
        { "OBJ through the memo", [(byte)'c', .. "builtins\neval\n"u8, (byte)'p', .. "0\n"u8, (byte)'0', (byte)'(', (byte)'g', .. "0\n"u8, .. EchoArgument, (byte)'o', (byte)'.'], "builtins.eval" },
        // EXT1/EXT2/EXT4 0x82–0x84: a global named by its code in copyreg's extension registry.
        { "EXT1", [0x80, 0x02, 0x82, 7, .. EchoArgument, 0x85, (byte)'R', (byte)'.'], "extension code 7" },
        { "EXT2", [0x80, 0x02, 0x83, 0x01, 0x02, .. EchoArgument, 0x85, (byte)'R', (byte)'.'], "extension code 513" },
        { "EXT4", [0x80, 0x02, 0x84, 0x01, 0x00, 0x01, 0x00, .. EchoArgument, 0x85, (byte)'R', (byte)'.'], "extension code 65537" },
    };

    [Theory]
    [MemberData(nameof(NamingOpcodes))]
    public void Every_opcode_that_names_a_global_is_refused_through_every_reader(string opcode, byte[] pickle, string named)
    {
        using var scratch = new ScratchFolder();
        string zip = scratch.File("evil-zip.pt"), legacy = scratch.File("evil-legacy.pt"), stateDict = scratch.File("evil-model.pt");
        TorchFileBuilder.WriteZipEntries(zip, new Dictionary<string, byte[]> { ["evil/data.pkl"] = pickle });
        // torch's legacy format starts with a protocol-2 pickle: the same opcodes behind PROTO 2.
        File.WriteAllBytes(legacy, [0x80, 0x02, .. pickle[0] == 0x80 ? pickle[2..] : pickle]);
        TorchFileBuilder.WriteZipEntries(stateDict, new Dictionary<string, byte[]> { ["model/data.pkl"] = pickle });
        foreach (var (path, read) in new (string, Action<string>)[]
                 {
                     (zip, p => CoursePairsFile.Read(p).Dispose()),
                     (legacy, p => CoursePairsFile.Read(p).Dispose()),
                     (stateDict, p => LabStateDict.ReadMimoCnn(p).Dispose()),
                 })
        {
            var e = Assert.Throws<InvalidDataException>(() => read(path));
            Assert.True(e.Message.Contains("refused") && e.Message.Contains(named) && e.Message.Contains(path),
                $"{opcode} in {Path.GetFileName(path)}: {e.Message}");
        }
    }

    [Fact]
    public void The_allow_list_is_exactly_what_a_file_of_tensors_needs()
    {
        string[] expected =
        [
            "collections.OrderedDict",
            "torch.BFloat16Storage", "torch.BoolStorage", "torch.ByteStorage", "torch.CharStorage", "torch.DoubleStorage",
            "torch.FloatStorage", "torch.HalfStorage", "torch.IntStorage", "torch.LongStorage", "torch.ShortStorage",
            "torch._utils._rebuild_tensor_v2",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), TorchUnpickler.AllowedGlobals.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Integers_that_share_the_EXT_opcodes_neighbourhood_name_nothing()
    {
        // BININT1 'K', BININT2 'M', BININT 'J' in a tuple: plain data, no global.
        byte[] pickle = [0x80, 0x02, (byte)'K', 7, (byte)'M', 1, 2, (byte)'J', 1, 0, 1, 0, 0x87, (byte)'.'];
        var globals = new List<string>();
        PickleScanner.ReadOne(new MemoryStream(pickle), globals);
        Assert.Empty(globals);
    }
}
