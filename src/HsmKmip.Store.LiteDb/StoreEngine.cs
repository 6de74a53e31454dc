using System.Reflection;
using LiteDB;
using LiteDB.Engine;

namespace HsmKmip.Store.LiteDb;

/// <summary>
/// LiteDB opened over the store's own <see cref="PageFile"/> streams instead of its file names, so that the store
/// decides when a file is made durable (see <c>LiteDbObjectStore.Writer.cs</c>).
/// <para>
/// LiteDB 5.0.20 has no public way to learn where its log ends after a Commit (its disk queue is internal). The end
/// is <c>DiskService.GetVirtualLength(FileOrigin.Log)</c>, read here by reflection on the pinned version. A self-test
/// at open checks that the member exists and agrees with the log file's length, and refuses to open the store
/// (loudly, naming the LiteDB version) when the internals changed, rather than acknowledge writes it cannot wait for.
/// </para>
/// </summary>
internal sealed class StoreEngine : IDisposable
{
    private readonly Func<FileOrigin, long> _virtualLength;
    private readonly Func<IReadOnlyList<OpenTransaction>> _openTransactions;

    private StoreEngine(LiteDatabase database, PageFile data, PageFile log, Func<FileOrigin, long> virtualLength, Func<IReadOnlyList<OpenTransaction>> openTransactions)
    {
        Database = database;
        Data = data;
        Log = log;
        _virtualLength = virtualLength;
        _openTransactions = openTransactions;
    }

    public LiteDatabase Database { get; }

    public PageFile Data { get; }

    public PageFile Log { get; }

    /// <summary>Where LiteDB's log ends once its queue has written every page handed to it so far.</summary>
    public long LogEnd => _virtualLength(FileOrigin.Log);

    public static StoreEngine Open(string path)
    {
        var data = new PageFile(path, syncOnFlush: true);
        PageFile? log = null;
        LiteEngine? engine = null;
        try
        {
            log = new PageFile(StoreFiles.LogPath(path), syncOnFlush: false);
            var created = data.Length == 0;
            engine = new LiteEngine(new EngineSettings
            {
                DataStream = data,
                LogStream = log,
                // Only sorting uses a temporary file: keep it beside the store, never in /tmp.
                TempStream = null,
                Filename = path,
                // Binary (ordinal) collation for a new store: identifiers, names and index keys compare byte-exact.
                // An existing file keeps its own, which the store checks after open.
                Collation = created ? Collation.Binary : null,
                Upgrade = false,
                AutoRebuild = false,
            });
            var virtualLength = VirtualLength(engine);
            var openTransactions = OpenTransactions(engine);
            var database = new LiteDatabase(engine, disposeOnClose: true);
            var result = new StoreEngine(database, data, log, virtualLength, openTransactions);
            // Before anything is written: LiteDB's queue is empty only now.
            result.SelfTest();
            // The store checkpoints itself (in the background by log size, at once for a Destroy): LiteDB's own
            // automatic checkpoint would run inside Commit, before the log is durable, and never fsync the truncation.
            // Setting the pragma is a transaction of its own; the store's open checkpoints it into the data file.
            if (database.CheckpointSize != 0)
            {
                database.CheckpointSize = 0;
                log.WaitWritten(result.LogEnd, TimeSpan.FromSeconds(60));
            }
            return result;
        }
        catch
        {
            engine?.Dispose();
            log?.Dispose();
            data.Dispose();
            throw;
        }
    }

    /// <summary>A checkpoint: LiteDB copies the log's pages into the data file (each page once) and fdatasyncs it; then the emptied log's length is made durable.</summary>
    public void Checkpoint()
    {
        // Each page once, however many versions the log holds (PageFile.BeginCoalescing).
        Data.BeginCoalescing();
        try
        {
            Database.Checkpoint();
        }
        finally
        {
            Data.EndCoalescing();
        }
        // LiteDB restarts transaction ids after a checkpoint: a stale log surviving a power cut would be replayed
        // over newer pages, so its truncation is made durable before anything else is written.
        Log.Sync();
    }

    /// <summary>
    /// Closes LiteDB. A transaction still open at that moment (a thread that began one and never ended it) must not
    /// outlive the engine: LiteDB 5.0.20 disposes it in its close and swallows what that throws, and the transaction,
    /// still "active", is later finalized on the GC's finalizer thread, whose dispose logic touches the closed
    /// engine's page buffers and throws ("discarded page must be writable", litedb-org/LiteDB#2828): an unhandled
    /// exception there ends the process. The engine is gone once closed, so nothing is lost by never finalizing its
    /// transactions; returns those that were open, for the store's log.
    /// </summary>
    public IReadOnlyList<OpenTransaction> Close()
    {
        var open = _openTransactions();
        try
        {
            Database.Dispose();
        }
        finally
        {
            foreach (var transaction in open) GC.SuppressFinalize(transaction.Service);
        }
        return open;
    }

    public void Dispose() => Close();

    /// <summary>What the store's log says of a transaction LiteDB still held at close.</summary>
    internal sealed record OpenTransaction(object Service, int ThreadId, string Mode, string State, bool Explicit, bool QueryOnly)
    {
        public override string ToString() => $"thread {ThreadId}, {Mode} {State}{(Explicit ? ", explicit" : "")}{(QueryOnly ? ", query" : "")}";
    }

    private static Func<IReadOnlyList<OpenTransaction>> OpenTransactions(LiteEngine engine)
    {
        const BindingFlags Flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
        var monitor = typeof(LiteEngine).GetField("_monitor", Flags)?.GetValue(engine);
        var list = monitor?.GetType().GetField("_transactions", Flags)?.GetValue(monitor) as System.Collections.IDictionary;
        var service = typeof(LiteEngine).Assembly.GetType("LiteDB.Engine.TransactionService");
        if (monitor is null || list is null || service is null)
        {
            throw StoreFiles.Unavailable(
                $"LiteDB {typeof(LiteEngine).Assembly.GetName().Version} does not have the internals this store closes with (LiteEngine._monitor._transactions); " +
                "this build of hsmkmip pins LiteDB 5.0.20. Use the LiteDB version in Directory.Packages.props.");
        }
        object? Get(object target, string name) => service.GetProperty(name, Flags)?.GetValue(target) ?? service.GetField(name, Flags)?.GetValue(target);
        return () =>
        {
            lock (list)
            {
                return list.Values.Cast<object>().Select(t => new OpenTransaction(
                    t,
                    Get(t, "ThreadID") as int? ?? -1,
                    Get(t, "Mode")?.ToString() ?? "?",
                    Get(t, "State")?.ToString() ?? "?",
                    Get(t, "ExplicitTransaction") as bool? ?? false,
                    Get(t, "QueryOnly") as bool? ?? false)).ToArray();
            }
        };
    }

    private static Func<FileOrigin, long> VirtualLength(LiteEngine engine)
    {
        const BindingFlags Flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
        var version = typeof(LiteEngine).Assembly.GetName().Version;
        var disk = typeof(LiteEngine).GetField("_disk", Flags)?.GetValue(engine);
        var method = disk?.GetType().GetMethod("GetVirtualLength", Flags, [typeof(FileOrigin)]);
        if (disk is null || method is null || method.ReturnType != typeof(long))
        {
            throw StoreFiles.Unavailable(
                $"LiteDB {version} does not have the internals this store waits on (LiteEngine._disk.GetVirtualLength); " +
                "this build of hsmkmip pins LiteDB 5.0.20. Use the LiteDB version in Directory.Packages.props.");
        }
        return method.CreateDelegate<Func<FileOrigin, long>>(disk);
    }

    /// <summary>At open LiteDB's queue is empty, so the log's end it reports must be the log file's length in whole pages.</summary>
    private void SelfTest()
    {
        const long PageSize = 8192;
        var expected = Log.Length - Log.Length % PageSize;
        if (LogEnd != expected)
        {
            throw StoreFiles.Unavailable(
                $"LiteDB {typeof(LiteEngine).Assembly.GetName().Version} reports its log ending at {LogEnd}, the file holds {expected} bytes: " +
                "its internals differ from the LiteDB 5.0.20 this build pins.");
        }
    }
}
