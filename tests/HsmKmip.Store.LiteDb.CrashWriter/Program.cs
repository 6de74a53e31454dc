using System.Security.Cryptography;
using HsmKmip.Core.Store;
using HsmKmip.Store.LiteDb;
using HsmKmip.Store.LiteDb.CrashWriter;

// crash-writer write <path> [tasks] [count batch]
//                                     print "OPENED" once the store is open, then insert (and destroy every 4th) from N tasks
//                                     until killed (a store upgraded from v3 counts its records for Locate meanwhile, in
//                                     batches of [count batch] records); one stdout line per acknowledgement:
//                                     "ACK <id> <blob hex>" once InsertAsync returned, "DESTROYED <id>" once the destroying UpdateAsync returned.
// crash-writer open <path>            open the store, print "OPENED", hold it until stdin closes; "REFUSED <message>" and exit 3 when refused.
// crash-writer count <path> <writers> <inserts each> <destroy: yes|no>
//                                     run the writes between two marker mkdir(2) calls (<path>.begin, <path>.end) for
//                                     strace to cut on, then print "GROUPS <durable groups> SYNCS <fdatasyncs>" for that span.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: crash-writer write|open <path> [tasks]");
    return 2;
}

var path = args[1];
LiteDbObjectStore store;
try
{
    var countBatch = args[0] == "write" && args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 1000;
    store = new LiteDbObjectStore(new LiteDbStoreOptions { Path = path, CountBuildBatch = countBatch });
}
catch (ObjectStoreException e)
{
    Console.Out.WriteLine("REFUSED " + e.Message);
    return 3;
}

if (args[0] == "open")
{
    Console.Out.WriteLine("OPENED");
    await Console.In.ReadToEndAsync();
    await store.DisposeAsync();
    return 0;
}

if (args[0] == "count" && args.Length > 4)
{
    var writers = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
    var each = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
    var destroy = args[4] == "yes";
    await store.InsertAsync(CrashObjects.Create(Guid.NewGuid().ToString(), RandomNumberGenerator.GetBytes(40)), CancellationToken.None);
    Directory.CreateDirectory(path + ".begin");
    var (groups, syncs) = (store.DurableGroups, store.Syncs);
    await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
    {
        for (var n = 0; n < each; n++)
        {
            var inserted = await store.InsertAsync(CrashObjects.Create(Guid.NewGuid().ToString(), RandomNumberGenerator.GetBytes(40)), CancellationToken.None);
            if (destroy) await store.UpdateAsync(CrashObjects.Destroy(inserted), CancellationToken.None);
        }
    })));
    var counted = $"GROUPS {store.DurableGroups - groups} SYNCS {store.Syncs - syncs}";
    Directory.CreateDirectory(path + ".end");
    Console.Out.WriteLine(counted);
    await store.DisposeAsync();
    return 0;
}

// Tells a slow start (a loaded machine) from a store that hangs after opening.
Console.Out.WriteLine("OPENED");
var tasks = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 8;
var output = Console.Out;
var running = Enumerable.Range(0, tasks).Select(worker => Task.Run(async () =>
{
    for (var n = 0; ; n++)
    {
        var id = Guid.NewGuid().ToString();
        var blob = RandomNumberGenerator.GetBytes(40);
        var inserted = await store.InsertAsync(CrashObjects.Create(id, blob), CancellationToken.None);
        lock (output) output.WriteLine($"ACK {id} {Convert.ToHexString(blob)}");
        if ((n + worker) % 4 == 0)
        {
            await store.UpdateAsync(CrashObjects.Destroy(inserted), CancellationToken.None);
            lock (output) output.WriteLine($"DESTROYED {id}");
        }
    }
})).ToArray();
await Task.WhenAll(running);
return 0;
