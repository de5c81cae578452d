using System.Globalization;
using System.Text;

namespace BlueZero.ProcessManager.Output;

/// <summary>
/// One captured stream on disk: <c>stdout.log</c>, rotated by size into <c>stdout.log.1</c> … <c>.N-1</c> (the oldest
/// is deleted), each line prefixed with its UTC timestamp. Buffered; the pump flushes it when idle, so a file is at
/// most a fraction of a second behind. Opened lazily and closed when the stream ends, so an idle entry holds no descriptor.
/// </summary>
public sealed class RotatingLogFile(string path, long maxBytes, int files) : IDisposable
{
    private const int BufferBytes = 64 * 1024;
    private FileStream? _file;
    private readonly byte[] _stamp = new byte[64];
    private long _size; // tracked here: asking the FileStream costs a system call per line

    public string Path => path;

    public void WriteLine(DateTimeOffset at, string text)
    {
        var file = _file ??= Open();
        var bytes = Encoding.UTF8.GetBytes(text);
        at.UtcDateTime.TryFormat(_stamp, out var stampLength, "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ", CultureInfo.InvariantCulture);
        var lineLength = stampLength + bytes.Length + 1;
        if (_size > 0 && _size + lineLength > maxBytes)
            file = Rotate();
        file.Write(_stamp, 0, stampLength);
        file.Write(bytes, 0, bytes.Length);
        file.WriteByte((byte)'\n');
        _size += lineLength;
    }

    public void Flush() => _file?.Flush();

    private FileStream Open()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, BufferBytes);
        _size = file.Length;
        return file;
    }

    private FileStream Rotate()
    {
        _file!.Dispose();
        if (files <= 1)
        {
            File.Delete(path);
        }
        else
        {
            File.Delete($"{path}.{files - 1}");
            for (var i = files - 2; i >= 1; i--)
                if (File.Exists($"{path}.{i}")) File.Move($"{path}.{i}", $"{path}.{i + 1}");
            File.Move(path, $"{path}.1");
        }
        return _file = Open();
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }
}
