using System.Runtime.InteropServices;
using System.Text;

namespace BlueZero.ProcessManager.Native;

/// <summary>
/// A NULL-terminated array of NUL-terminated UTF-8 strings for exec-style calls (argv, envp): every string in one
/// unmanaged block, rather than one allocation each, which for a node's environment of fifty variables was fifty
/// native allocations and fifty formatted strings per start.
/// </summary>
internal sealed class NativeStringArray : IDisposable
{
    private IntPtr _block;

    /// <summary>The pointers, the last one zero; valid until <see cref="Dispose"/>.</summary>
    public IntPtr[] Pointers { get; }

    public NativeStringArray(IReadOnlyList<string> strings)
    {
        var size = 0;
        foreach (var text in strings) size += Encoding.UTF8.GetByteCount(text) + 1;
        _block = Marshal.AllocHGlobal(Math.Max(size, 1));
        Pointers = new IntPtr[strings.Count + 1];
        unsafe
        {
            var bytes = new Span<byte>((void*)_block, size);
            var offset = 0;
            for (var i = 0; i < strings.Count; i++)
            {
                Pointers[i] = _block + offset;
                offset += Encoding.UTF8.GetBytes(strings[i], bytes[offset..]);
                bytes[offset++] = 0;
            }
        }
    }

    /// <summary>KEY=VALUE for each variable.</summary>
    public static NativeStringArray Environment(IReadOnlyDictionary<string, string> variables) =>
        new(variables.Select(pair => $"{pair.Key}={pair.Value}").ToList());

    public void Dispose()
    {
        if (_block == IntPtr.Zero) return;
        Marshal.FreeHGlobal(_block);
        _block = IntPtr.Zero;
    }
}
