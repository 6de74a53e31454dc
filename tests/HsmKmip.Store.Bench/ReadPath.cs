using System.Diagnostics;
using HsmKmip.Store.LiteDb;
using LiteDB;

namespace HsmKmip.Store.Bench;

/// <summary>
/// `store-bench read`: look-up by primary key, the store's read path of every Get: LiteDB's FindById (parses "_id = @0"
/// per call) against IdLookup (parsed once per thread), alternately in rounds in one process, so that the load of other
/// processes weighs on both alike. Prints the process CPU per look-up (µs) and the ratio.
/// </summary>
internal static class ReadPath
{
    public static void Run(int objects, int lookups, int rounds)
    {
        var folder = Directory.CreateTempSubdirectory("hsmkmip-readbench-");
        try
        {
            using var db = new LiteDatabase(new ConnectionString { Filename = Path.Combine(folder.FullName, "bench.db"), Connection = ConnectionType.Direct, Collation = Collation.Binary });
            var collection = db.GetCollection("objects");
            var ids = Enumerable.Range(0, objects).Select(_ => Guid.NewGuid().ToString()).ToArray();
            // Records shaped like an AES key's: a 40-byte blob and ~300 bytes of encoded attributes.
            collection.InsertBulk(ids.Select(id => new BsonDocument { ["_id"] = id, ["secret"] = new byte[40], ["a"] = new byte[300], ["state"] = 1 }));

            var random = new Random(12);
            double Measure(Func<string, BsonDocument?> find)
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                for (int i = 0; i < lookups; i++)
                {
                    if (find(ids[random.Next(ids.Length)]) is null) throw new InvalidOperationException("a stored record was not found");
                }
                return (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / lookups;
            }

            Func<string, BsonDocument?> findById = id => collection.FindById(id);
            Func<string, BsonDocument?> idLookup = id => IdLookup.Find(collection, id);
            Measure(findById);
            Measure(idLookup);
            var a = new List<double>();
            var b = new List<double>();
            for (int r = 0; r < rounds; r++)
            {
                a.Add(Measure(findById));
                b.Add(Measure(idLookup));
                Console.WriteLine($"round {r + 1}: FindById {a[^1]:F1} µs CPU per look-up, IdLookup {b[^1]:F1} µs");
            }
            double ma = a.Order().ElementAt(a.Count / 2), mb = b.Order().ElementAt(b.Count / 2);
            Console.WriteLine($"{objects} records, {lookups} look-ups per round, {rounds} rounds: median FindById {ma:F1} µs, IdLookup {mb:F1} µs CPU per look-up ({ma / mb:F2}x)");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
