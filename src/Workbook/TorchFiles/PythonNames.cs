using System.Collections;
using System.Numerics;
using Workbook.Data;
using Workbook.Files;

namespace Workbook.TorchFiles;

/// <summary>How Razorvine's unpickled values read in Python terms, for messages and checks.</summary>
internal static class PythonNames
{
    /// <summary>"a list of 3 items", "a dict", "a tensor", "None", …</summary>
    public static string Describe(object? value) => value switch
    {
        null => "None",
        TensorReference => "a tensor",
        StorageReference s => $"a storage ({s.TypeName})",
        ArrayList list => $"a list of {list.Count} items",
        object[] tuple => $"a tuple of {tuple.Length} items",
        IDictionary => "a dict",
        string s => $"the string '{Quoted.Escape(s, 40)}'",
        int or long or BigInteger => $"the int {value}",
        double d => $"the float {d}",
        bool b => b ? "True" : "False",
        byte[] bytes => $"a bytes object of {bytes.Length} bytes",
        _ => $"a {value.GetType().Name}",
    };

    public static long ToInt64(object? value, string what) => value switch
    {
        int i => i,
        long l => l,
        BigInteger b when b >= long.MinValue && b <= long.MaxValue => (long)b,
        _ => throw new InvalidDataException($"{what} is {Describe(value)}, expected an int"),
    };

    public static long[] ToInt64Tuple(object? value, string what) => value is object[] tuple
        ? tuple.Select((v, i) => ToInt64(v, $"{what}[{i}]")).ToArray()
        : throw new InvalidDataException($"{what} is {Describe(value)}, expected a tuple of ints");
}
