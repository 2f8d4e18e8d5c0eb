using System.Security.Cryptography;
using System.Text;
using static TorchSharp.torch;

namespace Workbook.Coursework;

/// <summary>
/// Names an expected value by what it is computed from: the operation, the input tensors (type, shape and every
/// byte) and any numbers. The instructor's build stores each value under its key; the student kit finds it by the
/// same key, so a stored value can only ever be used for the very input it was computed from.
/// </summary>
public static class ExpectedKey
{
    public static string Of(string operation, IEnumerable<Tensor> inputs, params long[] numbers)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(operation));
        foreach (long number in numbers) hash.AppendData(BitConverter.GetBytes(number));
        foreach (var input in inputs)
        {
            using var contiguous = input.detach().cpu().contiguous();
            hash.AppendData(Encoding.UTF8.GetBytes($"|{contiguous.dtype}[{string.Join(",", contiguous.shape)}]"));
            hash.AppendData(contiguous.bytes);
        }
        return $"{operation}:{Convert.ToHexString(hash.GetHashAndReset())[..24]}";
    }
}
