namespace HsmKmip.Core.Access;

/// <summary>
/// The current access policy: owner-only without a file; with one, re-read whenever the file changes (checked at
/// most once a second), so an administrator's edit takes effect without a restart. A broken edit keeps the last
/// good policy in force and is reported through <see cref="LastError"/>.
/// </summary>
public sealed class AccessPolicySource
{
    private readonly string? _path;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private AccessPolicy _policy;
    private DateTime _loadedWrite;
    private long _nextCheck;

    /// <param name="path">The policy file, or null for owner-only.</param>
    /// <param name="time">Clock for the re-read interval.</param>
    public AccessPolicySource(string? path, TimeProvider time)
    {
        _path = path;
        _time = time;
        _policy = AccessPolicy.OwnerOnly;
        if (path is not null)
        {
            // At start a broken file is fatal: better to refuse to run than to run with the wrong access.
            _policy = AccessPolicy.Parse(File.ReadAllText(path), path);
            _loadedWrite = File.GetLastWriteTimeUtc(path);
        }
    }

    /// <summary>The policy file, or null for owner-only.</summary>
    public string? Path => _path;

    /// <summary>
    /// Re-reads the file now (the daemon's reload). A file that does not parse throws <see cref="FormatException"/>
    /// (or the I/O exception) and the policy in force stays.
    /// </summary>
    public void Reload()
    {
        if (_path is null) return;
        lock (_lock)
        {
            var written = File.GetLastWriteTimeUtc(_path);
            _policy = AccessPolicy.Parse(File.ReadAllText(_path), _path);
            _loadedWrite = written;
            LastError = null;
        }
    }

    /// <summary>Why the last re-read was refused, or null.</summary>
    public string? LastError { get; private set; }

    public AccessPolicy Current
    {
        get
        {
            if (_path is null) return _policy;
            long now = _time.GetTimestamp();
            if (now < Volatile.Read(ref _nextCheck)) return _policy;
            lock (_lock)
            {
                if (now < _nextCheck) return _policy;
                _nextCheck = now + _time.TimestampFrequency;
                try
                {
                    var written = File.GetLastWriteTimeUtc(_path);
                    if (written != _loadedWrite)
                    {
                        _policy = AccessPolicy.Parse(File.ReadAllText(_path), _path);
                        _loadedWrite = written;
                        LastError = null;
                    }
                }
                catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
                {
                    LastError = e.Message;
                }
                return _policy;
            }
        }
    }
}
