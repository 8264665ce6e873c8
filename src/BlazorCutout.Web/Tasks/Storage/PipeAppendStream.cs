using System.Buffers;
using System.IO.Pipelines;

namespace BlazorCutout.Web.Tasks.Storage;

/// <summary>
/// A write-only stream that appends to a <see cref="PipeWriter"/> and never flushes. It is for writers without an async
/// API (ZipArchive on .NET 9) whose caller flushes the pipe asynchronously between writes: no thread blocks on a slow
/// client, and Kestrel's ban on synchronous IO holds.
/// </summary>
internal sealed class PipeAppendStream(PipeWriter writer) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => writer.Write(buffer);

    public override void WriteByte(byte value) => Write([value]);

    // The caller flushes the pipe itself, asynchronously.
    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
