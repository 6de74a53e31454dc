namespace HsmKmip.Server.Listener.Http;

/// <summary>
/// A read buffer over the TLS stream for the HTTP head: CRLF-terminated lines no longer than the caller allows, then
/// exact byte counts for bodies. Bytes read past one request stay buffered for the next (keep-alive, pipelining).
/// </summary>
internal sealed class HttpInput(Stream stream, int capacity)
{
    private readonly byte[] _buffer = new byte[capacity];
    private int _start;
    private int _end;

    /// <summary>Puts bytes already read from the stream (the first bytes the listener peeked at) in front of the rest.</summary>
    public void Seed(ReadOnlySpan<byte> bytes)
    {
        Compact();
        bytes.CopyTo(_buffer.AsSpan(_end));
        _end += bytes.Length;
    }

    /// <summary>Waits until at least one byte is buffered; false when the peer closed the connection first.</summary>
    public async ValueTask<bool> WaitForDataAsync(CancellationToken cancellationToken) =>
        _end > _start || await FillAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// One line without its CRLF, as Latin-1 text. Throws <see cref="HttpRefusal"/> 400 for a bare LF or a byte outside
    /// printable ASCII and tab, <paramref name="tooLong"/>() when no CRLF comes within <paramref name="maxLength"/> bytes,
    /// and <see cref="EndOfStreamException"/> when the peer closes inside the line.
    /// </summary>
    public async ValueTask<string> ReadLineAsync(int maxLength, Func<HttpRefusal> tooLong, CancellationToken cancellationToken)
    {
        int scanned = 0;
        while (true)
        {
            var window = _buffer.AsSpan(_start + scanned, _end - _start - scanned);
            int lf = window.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                int length = scanned + lf;
                if (length + 1 > maxLength) throw tooLong();
                if (length == 0 || _buffer[_start + length - 1] != '\r') throw new HttpRefusal(400, "Lines of an HTTP request end in CRLF, not a bare LF.");
                var line = _buffer.AsSpan(_start, length - 1);
                foreach (byte b in line)
                {
                    if (b is (< 0x20 and not (byte)'\t') or >= 0x7F) throw new HttpRefusal(400, "The request head holds a control character or a byte outside ASCII.");
                }
                string text = System.Text.Encoding.Latin1.GetString(line);
                _start += length + 1;
                return text;
            }
            scanned = _end - _start;
            if (scanned >= maxLength) throw tooLong();
            if (!await FillAsync(cancellationToken).ConfigureAwait(false)) throw new EndOfStreamException("The connection closed inside the request head.");
        }
    }

    /// <summary>Fills <paramref name="destination"/> from the buffer, then the stream; <see cref="EndOfStreamException"/> when the peer closes first.</summary>
    public async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        int fromBuffer = Math.Min(destination.Length, _end - _start);
        _buffer.AsSpan(_start, fromBuffer).CopyTo(destination.Span);
        _buffer.AsSpan(_start, fromBuffer).Clear(); // body bytes may be key material
        _start += fromBuffer;
        if (fromBuffer < destination.Length)
        {
            await stream.ReadExactlyAsync(destination[fromBuffer..], cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        Compact();
        if (_end == _buffer.Length) throw HttpRefusal.HeadTooLarge();
        int read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += read;
        return read > 0;
    }

    private void Compact()
    {
        if (_start == 0) return;
        int length = _end - _start;
        _buffer.AsSpan(_start, length).CopyTo(_buffer);
        _buffer.AsSpan(length, _end - length).Clear();
        _start = 0;
        _end = length;
    }
}
