namespace HsmKmip.Core.Audit;

/// <summary>
/// The Unique Identifiers one batch item touched, by kind. Filled where objects are loaded, inserted, updated and
/// destroyed (not by each handler), so that a new handler is audited without knowing it. Safe for the concurrent
/// loads a handler may start.
/// </summary>
public sealed class AuditTouches
{
    private readonly Lock _gate = new();
    private List<string>? _created, _read, _changed, _destroyed;

    public void Created(string id) => Add(ref _created, id);

    public void Read(string id) => Add(ref _read, id);

    public void Changed(string id) => Add(ref _changed, id);

    public void Destroyed(string id) => Add(ref _destroyed, id);

    private void Add(ref List<string>? list, string id)
    {
        lock (_gate)
        {
            list ??= new List<string>(1);
            if (!list.Contains(id)) list.Add(id);
        }
    }

    /// <summary>
    /// An immutable copy. An object this item created is listed as created only, one it destroyed not also as changed; an
    /// object read and then changed is listed under both (Get reads a key and updates its Fresh attribute: the auditor asks
    /// who read it).
    /// </summary>
    public Snapshot Freeze()
    {
        lock (_gate)
        {
            string[] created = _created?.ToArray() ?? [];
            string[] destroyed = _destroyed?.ToArray() ?? [];
            string[] changed = _changed?.Where(i => !destroyed.Contains(i) && !created.Contains(i)).ToArray() ?? [];
            string[] read = _read?.Where(i => !created.Contains(i)).ToArray() ?? [];
            return new Snapshot(created, read, changed, destroyed);
        }
    }

    /// <summary>The identifiers of one record.</summary>
    public sealed record Snapshot(IReadOnlyList<string> Created, IReadOnlyList<string> Read, IReadOnlyList<string> Changed, IReadOnlyList<string> Destroyed)
    {
        public static readonly Snapshot None = new([], [], [], []);

        /// <summary>Whether <paramref name="id"/> appears under any kind.</summary>
        public bool Mentions(string id) => Created.Contains(id) || Read.Contains(id) || Changed.Contains(id) || Destroyed.Contains(id);
    }
}
