using System.Runtime.InteropServices;

namespace Workbook.Files;

/// <summary>What kind of thing a path names on a Unix file system.</summary>
public enum FileKind { Regular, Directory, SymbolicLink, Fifo, CharacterDevice, BlockDevice, Socket, Other }

/// <summary>
/// A file's kind and identity (device and inode), from <c>stat</c>/<c>lstat</c>. Two paths name the same file when
/// their device and inode are equal, whatever symlinks, hard links, <c>..</c> or bind mounts lie between them: comparing
/// path strings cannot see that.
/// </summary>
/// <remarks>
/// .NET exposes neither the file type nor the inode, so this calls the runtime's own shims to stat/lstat
/// (<c>libSystem.Native</c>, shipped with every .NET on Linux and macOS); its <c>FileStatus</c> layout is fixed
/// across platforms, unlike libc's <c>struct stat</c>. A test checks the fields against <see cref="FileInfo"/>.
/// </remarks>
public readonly record struct FileIdentity(FileKind Kind, long Device, long Inode, long Size)
{
    /// <summary>The status of <paramref name="path"/>, following symlinks; null when nothing is there (or it cannot be seen).</summary>
    public static FileIdentity? Of(string path) => Stat(path, followLinks: true);

    /// <summary>The status of <paramref name="path"/> itself, a symlink reported as one; null when nothing is there.</summary>
    public static FileIdentity? OfLink(string path) => Stat(path, followLinks: false);

    /// <summary>True when both paths exist and are the same file.</summary>
    public static bool SameFile(string a, string b) =>
        Of(a) is { } x && Of(b) is { } y ? x.Device == y.Device && x.Inode == y.Inode : false;

    /// <summary>"a character device", "a FIFO", …: for messages.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a folder",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => "a special file",
    };

    private static FileIdentity? Stat(string path, bool followLinks)
    {
        if (OperatingSystem.IsWindows())
        {
            // No device nodes or FIFOs to guard against; identity falls back to the full path.
            var info = new FileInfo(path);
            if (info.Exists) return new FileIdentity(FileKind.Regular, 0, StringComparer.OrdinalIgnoreCase.GetHashCode(info.FullName), info.Length);
            return Directory.Exists(path) ? new FileIdentity(FileKind.Directory, 0, 0, 0) : null;
        }
        int result = followLinks ? NativeStat(path, out var status) : NativeLStat(path, out status);
        if (result != 0) return null;
        var kind = (status.Mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Other,
        };
        return new FileIdentity(kind, status.Dev, status.Ino, status.Size);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct FileStatus
    {
        public int Flags, Mode;
        public uint Uid, Gid;
        public long Size, ATime, ATimeNsec, MTime, MTimeNsec, CTime, CTimeNsec, BirthTime, BirthTimeNsec, Dev, RDev, Ino;
        public uint UserFlags;
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int NativeStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus status);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
    private static extern int NativeLStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus status);
}
