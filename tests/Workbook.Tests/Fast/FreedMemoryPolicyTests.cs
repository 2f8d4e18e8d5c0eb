using Workbook.Fast;

namespace Workbook.Tests.Fast;

public class FreedMemoryPolicyTests
{
    [Fact]
    public void The_C_library_keeps_freed_memory_unless_the_user_chose_its_settings()
    {
        string? before = Environment.GetEnvironmentVariable("MALLOC_TOP_PAD_");
        try
        {
            // A user's MALLOC_ variable is their choice: nothing changes.
            Environment.SetEnvironmentVariable("MALLOC_TOP_PAD_", "0");
            Assert.False(FreedMemoryPolicy.KeepFreedMemory());
            Environment.SetEnvironmentVariable("MALLOC_TOP_PAD_", null);
            // glibc takes every setting (mallopt returns 1 for each); elsewhere nothing is set.
            Assert.Equal(OperatingSystem.IsLinux(), FreedMemoryPolicy.KeepFreedMemory());
        }
        finally { Environment.SetEnvironmentVariable("MALLOC_TOP_PAD_", before); }
    }
}
