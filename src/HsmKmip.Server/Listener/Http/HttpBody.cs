using System.Buffers;
using System.Globalization;

namespace HsmKmip.Server.Listener.Http;

/// <summary>
/// Reads a request body framed by Content-Length or chunked transfer coding (RFC 9112 §6–7) into a pooled buffer
/// no larger than the message limit. <see cref="Dispose"/> clears it: the body may hold key material.
/// </summary>
internal sealed class HttpBody : IDisposable
{
    private byte[] _buffer;

    private HttpBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>
    /// How the head frames the body: its Content-Length, or -1 for chunked. Throws <see cref="HttpRefusal"/> 400 for
    /// both or a bad length, 411 for neither, 413 past <paramref name="maxLength"/>, 501 for another transfer coding.
    /// </summary>
    public static long Framing(HttpRequestHead head, int maxLength)
    {
        var transferEncodings = head.All("Transfer-Encoding").ToList();
        var contentLength = head.Single("Content-Length");
        if (transferEncodings.Count > 0)
        {
            if (contentLength is not null) throw new HttpRefusal(400, "A request may not carry both Content-Length and Transfer-Encoding.");
            var codings = transferEncodings.SelectMany(t => t.Split(',')).Select(t => t.Trim()).ToList();
            if (codings.Count != 1 || !string.Equals(codings[0], "chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new HttpRefusal(501, "Transfer-Encoding other than chunked is not supported; send Content-Length or chunked.");
            }
            return -1;
        }
        if (contentLength is null) throw new HttpRefusal(411, "A POST needs a Content-Length (or chunked transfer coding).");
        if (contentLength.Length is 0 or > 12 || !contentLength.All(char.IsAsciiDigit)) throw new HttpRefusal(400, "Content-Length is not a decimal number.");
        long length = long.Parse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture);
        return length > maxLength ? throw TooLarge(maxLength) : length;
    }

    /// <summary>Reads the body the <paramref name="framing"/> from <see cref="Framing"/> describes.</summary>
    public static async ValueTask<HttpBody> ReadAsync(HttpInput input, long framing, int maxLength, CancellationToken cancellationToken)
    {
        if (framing >= 0)
        {
            var body = new HttpBody(ArrayPool<byte>.Shared.Rent((int)Math.Max(framing, 1)), (int)framing);
            try
            {
                await input.ReadExactlyAsync(body._buffer.AsMemory(0, body.Length), cancellationToken).ConfigureAwait(false);
                return body;
            }
            catch
            {
                body.Dispose();
                throw;
            }
        }
        var chunked = new HttpBody(ArrayPool<byte>.Shared.Rent(Math.Min(maxLength, 16 * 1024)), 0);
        try
        {
            await chunked.ReadChunksAsync(input, maxLength, cancellationToken).ConfigureAwait(false);
            return chunked;
        }
        catch
        {
            chunked.Dispose();
            throw;
        }
    }

    private async ValueTask ReadChunksAsync(HttpInput input, int maxLength, CancellationToken cancellationToken)
    {
        while (true)
        {
            string sizeLine = await input.ReadLineAsync(1024, HttpRefusal.ChunkLineTooLong, cancellationToken).ConfigureAwait(false);
            string hex = sizeLine.Split(';', 2)[0].Trim(' ', '\t');
            if (hex.Length is 0 or > 8 || !int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int size) || size < 0)
            {
                throw new HttpRefusal(400, "A chunk size is not a hexadecimal number.");
            }
            if (size == 0) break;
            if ((long)Length + size > maxLength) throw TooLarge(maxLength);
            EnsureCapacity(Length + size);
            await input.ReadExactlyAsync(_buffer.AsMemory(Length, size), cancellationToken).ConfigureAwait(false);
            Length += size;
            if ((await input.ReadLineAsync(2, HttpRefusal.ChunkLineTooLong, cancellationToken).ConfigureAwait(false)).Length != 0) throw new HttpRefusal(400, "A chunk does not end in CRLF.");
        }
        // Trailer fields are read and ignored, within the same bounds as the head.
        for (int fields = 0; ; fields++)
        {
            if (fields > HttpRequestHead.MaxFields) throw new HttpRefusal(431, $"The request has more than {HttpRequestHead.MaxFields} trailer fields.");
            if ((await input.ReadLineAsync(HttpRequestHead.MaxHeadBytes, HttpRefusal.HeadTooLarge, cancellationToken).ConfigureAwait(false)).Length == 0) return;
        }
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _buffer.Length) return;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        _buffer.AsSpan(0, Length).CopyTo(larger);
        _buffer.AsSpan(0, Length).Clear();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    private static HttpRefusal TooLarge(int maxLength) =>
        new(413, $"The body is larger than the {maxLength}-byte message limit.");

    public void Dispose()
    {
        if (_buffer.Length == 0) return;
        _buffer.AsSpan().Clear(); // a chunk read that failed half-way may have written past Length
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        Length = 0;
    }
}
