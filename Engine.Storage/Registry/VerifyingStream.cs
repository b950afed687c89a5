using System.Security.Cryptography;
using Engine.Storage.Errors;

namespace Engine.Storage.Registry;

/// <summary>
/// A read-only pass-through over a downloaded blob: hashes and counts what is read, reports progress, and at the
/// end of the stream fails when the bytes do not match the digest (or size) the manifest promised.
/// </summary>
internal sealed class VerifyingStream(Stream inner, string expectedDigest, long expectedSize, Action<long>? onProgress) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _verified;

    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Account(buffer, inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span, n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Account(Span<byte> buffer, int n)
    {
        if (n > 0)
        {
            _hash.AppendData(buffer[..n]);
            BytesRead += n;
            if (expectedSize > 0 && BytesRead > expectedSize)
            {
                throw new EngineException(ErrorKind.Internal, $"blob {expectedDigest} is larger than the {expectedSize} bytes the manifest gives");
            }
            onProgress?.Invoke(BytesRead);
        }
        else
        {
            Verify();
        }
        return n;
    }

    /// <summary>Reads what is left and checks the digest (idempotent).</summary>
    public async Task DrainAndVerifyAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
        {
        }
        Verify();
    }

    private void Verify()
    {
        if (_verified)
        {
            return;
        }
        var actual = "sha256:" + Convert.ToHexStringLower(_hash.GetCurrentHash());
        if (actual != expectedDigest)
        {
            throw new EngineException(ErrorKind.Internal, $"filesystem layer verification failed for digest {expectedDigest}: got {actual}");
        }
        _verified = true;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
