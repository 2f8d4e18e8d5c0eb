#nullable enable
// An MSBuild task (compiled by RoslynCodeTaskFactory) that marks the GLIBCXX_3.4.32 version
// requirement of an ELF shared library as WEAK. See TorchSharpNativePatch.targets for why.
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class MarkGlibcxxVersionWeak : Task
{
    const string MissingVersion = "GLIBCXX_3.4.32";
    const uint SectionTypeVersionNeeded = 0x6ffffffe; // SHT_GNU_verneed
    const ushort VersionFlagWeak = 0x2;               // VER_FLG_WEAK

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string ProjectName { get; set; } = "";

    static readonly string[] SystemLibstdcxxPaths =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
    };

    public override bool Execute()
    {
        // Only where it applies: a libstdc++ that lacks the version. Without one at the usual places (a system laid out
        // otherwise, or none) nothing is known to be wrong, and a binary is not edited on a guess.
        string? systemLibrary = SystemLibstdcxxPaths.FirstOrDefault(File.Exists);
        if (systemLibrary == null)
        {
            Log.LogMessage(MessageImportance.Normal, $"TorchSharp native patch: no libstdc++.so.6 at {string.Join(", ", SystemLibstdcxxPaths)}; nothing patched.");
            return true;
        }
        if (ContainsAscii(File.ReadAllBytes(systemLibrary), MissingVersion))
        {
            Log.LogMessage(MessageImportance.Low, $"TorchSharp native patch: not needed, {systemLibrary} provides {MissingVersion}.");
            return true;
        }
        int patched = 0, alreadyWeak = 0;
        foreach (string path in Files.Select(f => f.GetMetadata("FullPath")).Distinct())
        {
            try
            {
                switch (MarkWeak(path))
                {
                    case Outcome.Patched: patched++; break;
                    case Outcome.AlreadyWeak: alreadyWeak++; break;
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InvalidDataException)
            {
                Log.LogWarning($"TorchSharp native patch: could not patch {path}: {e.Message}");
            }
        }
        if (patched > 0)
            Log.LogMessage(MessageImportance.High,
                $"TorchSharp native patch ({ProjectName}): marked {MissingVersion} weak in {patched} copies of libLibTorchSharp.so " +
                $"({alreadyWeak} already patched), because this system's libstdc++ lacks it.");
        else
            Log.LogMessage(MessageImportance.Normal, $"TorchSharp native patch ({ProjectName}): all {alreadyWeak} copies already patched.");
        return !Log.HasLoggedErrors;
    }

    enum Outcome { Patched, AlreadyWeak, NotRequired }

    static Outcome MarkWeak(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("not a 64-bit little-endian ELF file");

        long sectionHeaders = (long)BitConverter.ToUInt64(elf, 0x28);
        int sectionHeaderSize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        for (int s = 0; s < sectionCount; s++)
        {
            long header = sectionHeaders + (long)s * sectionHeaderSize;
            if (BitConverter.ToUInt32(elf, (int)header + 4) != SectionTypeVersionNeeded) continue;
            long offset = (long)BitConverter.ToUInt64(elf, (int)header + 0x18);
            int stringSection = (int)BitConverter.ToUInt32(elf, (int)header + 0x28);
            int needCount = (int)BitConverter.ToUInt32(elf, (int)header + 0x2C);
            long strings = (long)BitConverter.ToUInt64(elf, (int)(sectionHeaders + (long)stringSection * sectionHeaderSize) + 0x18);

            long need = offset;
            for (int n = 0; n < needCount; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    string name = ReadCString(elf, strings + BitConverter.ToUInt32(elf, (int)aux + 8));
                    if (name == MissingVersion)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                        if ((flags & VersionFlagWeak) != 0) return Outcome.AlreadyWeak;
                        WriteFlags(path, aux + 4, (ushort)(flags | VersionFlagWeak));
                        return Outcome.Patched;
                    }
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                need += BitConverter.ToUInt32(elf, (int)need + 12);
            }
        }
        return Outcome.NotRequired;
    }

    static void WriteFlags(string path, long position, ushort flags)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        stream.Position = position;
        stream.Write(BitConverter.GetBytes(flags), 0, 2);
    }

    static string ReadCString(byte[] bytes, long start)
    {
        long end = start;
        while (end < bytes.Length && bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, (int)start, (int)(end - start));
    }

    static bool ContainsAscii(byte[] haystack, string needle)
    {
        byte[] pattern = Encoding.ASCII.GetBytes(needle);
        for (int start = 0; start + pattern.Length <= haystack.Length; start++)
        {
            int matched = 0;
            while (matched < pattern.Length && haystack[start + matched] == pattern[matched]) matched++;
            if (matched == pattern.Length) return true;
        }
        return false;
    }
}
