using System.Buffers.Binary;
using System.Text;

namespace Workbook.TorchFiles;

/// <summary>
/// Walks one Python pickle opcode by opcode without building anything, copying its bytes and listing
/// every global (module.name) it would look up.
/// </summary>
/// <remarks>
/// A pickle is a small program: its GLOBAL/STACK_GLOBAL/INST/EXT1/EXT2/EXT4 opcodes name Python callables that a
/// Python unpickler would import and call. A .pt file from a stranger could name <c>os.system</c>.
/// Our unpickler never calls Python, but we still refuse any file that names something outside the
/// short list a tensor file needs, before a single object is built: the check then cannot be fooled
/// by what the objects do later. The opcode table is Python's <c>pickletools</c>, protocols 0–5.
/// </remarks>
internal static class PickleScanner
{
    /// <summary>The name reported for a STACK_GLOBAL whose module and name are not plain strings in the pickle.</summary>
    public const string UnreadableGlobal = "<a global whose name is computed at load time>";

    /// <summary>The name reported for EXT1/EXT2/EXT4, which name a global by a code in Python's copyreg extension registry.</summary>
    public static string ExtensionGlobal(long code) => $"<the global registered as extension code {code}>";

    /// <summary>
    /// Reads one pickle from the current position of <paramref name="stream"/> up to and including its STOP
    /// opcode, leaving the stream just after it (the legacy .pt format puts several pickles in a row).
    /// </summary>
    /// <param name="globals">receives every global the pickle names, as "module.name"</param>
    /// <param name="maxBytes">the most bytes the pickle may take: a length prefix or a pickle that claims more is refused
    /// before anything of that size is allocated</param>
    /// <returns>the pickle's bytes, for the unpickler</returns>
    /// <exception cref="EndOfStreamException">the stream ends before STOP</exception>
    /// <exception cref="InvalidDataException">a byte that is not a pickle opcode</exception>
    public static byte[] ReadOne(Stream stream, List<string> globals, long maxBytes = long.MaxValue)
    {
        var copy = new BoundedCopy(maxBytes);
        var memo = new Dictionary<long, string?>();
        // The two most recent values pushed, when they are strings: STACK_GLOBAL takes its module and name from them.
        string? last = null, beforeLast = null;
        void Push(string? value) { beforeLast = last; last = value; }

        while (true)
        {
            byte op = ReadBytes(stream, copy, 1)[0];
            switch ((char)op)
            {
                case '.': // STOP
                    return copy.ToArray();

                // Opcodes with no argument that push, pop or rearrange values.
                case '(': case '0': case '1': case '2': case 'N': case 'R': case 'a': case 'b': case 'd': case '}':
                case 'e': case 'l': case ']': case 'o': case 's': case 't': case ')': case 'u': case 'Q':
                case '\x81': case '\x85': case '\x86': case '\x87': case '\x88': case '\x89': case '\x8f':
                case '\x90': case '\x91': case '\x92': case '\x97': case '\x98':
                    Push(null);
                    break;
                case '\x94': // MEMOIZE: stores the top of the stack under the next memo index
                    memo[memo.Count] = last;
                    break;
                case '\x93': // STACK_GLOBAL: module and name are the two values below it
                    globals.Add(beforeLast is not null && last is not null ? $"{beforeLast}.{last}" : UnreadableGlobal);
                    Push(null);
                    break;

                // Arguments terminated by a newline.
                case 'c': case 'i': // GLOBAL, INST: "module\nname\n"
                    string module = ReadLine(stream, copy), name = ReadLine(stream, copy);
                    globals.Add($"{module}.{name}");
                    Push(null);
                    break;
                case 'S': case 'V': // STRING 'text' (quoted), UNICODE text
                    string text = ReadLine(stream, copy);
                    Push(op == 'S' ? text.Trim('\'', '"') : text);
                    break;
                case 'F': case 'I': case 'L': case 'P':
                    ReadLine(stream, copy);
                    Push(null);
                    break;
                case 'g': // GET
                    Push(memo.GetValueOrDefault(long.Parse(ReadLine(stream, copy))));
                    break;
                case 'p': // PUT
                    memo[long.Parse(ReadLine(stream, copy))] = last;
                    break;

                // Fixed-size arguments.
                case '\x80': // PROTO
                    ReadBytes(stream, copy, 1);
                    break;
                case '\x95': // FRAME: a length hint, no value
                    ReadBytes(stream, copy, 8);
                    break;
                case 'K': ReadBytes(stream, copy, 1); Push(null); break; // BININT1
                case 'M': ReadBytes(stream, copy, 2); Push(null); break; // BININT2
                case 'J': ReadBytes(stream, copy, 4); Push(null); break; // BININT
                // EXT1, EXT2, EXT4: a global named by its code in copyreg's extension registry, whatever Python registered there.
                case '\x82': globals.Add(ExtensionGlobal(ReadBytes(stream, copy, 1)[0])); Push(null); break;
                case '\x83': globals.Add(ExtensionGlobal(BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(stream, copy, 2)))); Push(null); break;
                case '\x84': globals.Add(ExtensionGlobal(BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(stream, copy, 4)))); Push(null); break;
                case 'G': ReadBytes(stream, copy, 8); Push(null); break;
                case 'h': Push(memo.GetValueOrDefault(ReadBytes(stream, copy, 1)[0])); break; // BINGET
                case 'j': Push(memo.GetValueOrDefault(BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(stream, copy, 4)))); break;
                case 'q': memo[ReadBytes(stream, copy, 1)[0]] = last; break; // BINPUT
                case 'r': memo[BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(stream, copy, 4))] = last; break;

                // Length-prefixed arguments: text pushes a string, everything else a non-string.
                case '\x8c': Push(Encoding.UTF8.GetString(ReadCounted(stream, copy, 1))); break; // SHORT_BINUNICODE
                case 'X': Push(Encoding.UTF8.GetString(ReadCounted(stream, copy, 4))); break;    // BINUNICODE
                case '\x8d': Push(Encoding.UTF8.GetString(ReadCounted(stream, copy, 8))); break; // BINUNICODE8
                case 'U': Push(Encoding.Latin1.GetString(ReadCounted(stream, copy, 1))); break;  // SHORT_BINSTRING
                case 'T': Push(Encoding.Latin1.GetString(ReadCounted(stream, copy, 4))); break;  // BINSTRING
                case 'C': case '\x8a': ReadCounted(stream, copy, 1); Push(null); break;
                case 'B': case '\x8b': ReadCounted(stream, copy, 4); Push(null); break;
                case '\x8e': case '\x96': ReadCounted(stream, copy, 8); Push(null); break;

                default:
                    throw new InvalidDataException($"byte 0x{op:x2} at offset {copy.Length - 1} of the pickle is not a pickle opcode");
            }
        }
    }

    private static byte[] ReadBytes(Stream stream, BoundedCopy copy, long count)
    {
        if (count < 0 || count > Array.MaxLength)
            throw new InvalidDataException($"a pickle argument claims {count} bytes");
        copy.Reserve(count);
        var bytes = new byte[count];
        stream.ReadExactly(bytes);
        copy.Write(bytes);
        return bytes;
    }

    /// <summary>Reads a little-endian length of <paramref name="lengthSize"/> bytes, then that many bytes.</summary>
    private static byte[] ReadCounted(Stream stream, BoundedCopy copy, int lengthSize)
    {
        var prefix = ReadBytes(stream, copy, lengthSize);
        long length = lengthSize switch
        {
            1 => prefix[0],
            4 => BinaryPrimitives.ReadUInt32LittleEndian(prefix),
            _ => BinaryPrimitives.ReadInt64LittleEndian(prefix),
        };
        return ReadBytes(stream, copy, length);
    }

    private static string ReadLine(Stream stream, BoundedCopy copy)
    {
        var line = new List<byte>();
        while (true)
        {
            int b = stream.ReadByte();
            if (b < 0) throw new EndOfStreamException("the pickle ends inside a text argument");
            copy.Reserve(1);
            copy.WriteByte((byte)b);
            if (b == '\n') return Encoding.UTF8.GetString(line.ToArray());
            line.Add((byte)b);
        }
    }

    /// <summary>The pickle's bytes as read so far, refusing to grow beyond the bound.</summary>
    private sealed class BoundedCopy(long maxBytes) : MemoryStream
    {
        /// <summary>Throws before <paramref name="count"/> more bytes would pass the bound.</summary>
        public void Reserve(long count)
        {
            if (Length + count > maxBytes)
                throw new InvalidDataException($"the pickle is longer than {maxBytes} bytes, more than this file can hold or its tensors need");
        }
    }
}
