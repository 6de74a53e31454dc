using System.Security.Cryptography;
using System.Text;
using HsmKmip.Core.Keys;
using HsmKmip.Core.Store;

namespace HsmKmip.Store.LiteDb.Tests.Fixtures;

/// <summary>
/// The objects of <c>schema-v1.db</c>, a store written by the schema-v1 code (commit cf2b5b7) with
/// <c>dotnet run --project tests/HsmKmip.Store.Bench -- fixture &lt;path&gt;</c>. Every field follows from the index,
/// so the upgrade test can rebuild what the file must hold. Covers every field: dates with offsets, several names,
/// groups, custom attributes, long (hashed) values, public material, a destroyed object without a blob.
/// </summary>
public static class V1Fixture
{
    public const int Count = 24;

    public static readonly DateTimeOffset Epoch = new(2025, 3, 1, 8, 0, 0, TimeSpan.FromHours(1));

    public static string Id(int i) => $"00000000-0000-4000-8000-{i:D12}";

    public static StoredObject Object(int i)
    {
        var date = Epoch.AddMinutes(i);
        var names = i % 5 == 0 ? new[] { $"fixture-{i}", $"alias-{i}" } : [$"fixture-{i}"];
        var obj = new StoredObject
        {
            UniqueIdentifier = Id(i),
            ObjectType = i % 3 == 0 ? 7u : 2u,
            State = i % 4 == 0 ? 1u : 2u,
            Owner = i % 2 == 0 ? "alice" : "bob",
            Version = 1,
            InitialDate = date,
            LastChangeDate = date,
            ActivationDate = i % 4 == 0 ? null : date.AddSeconds(1),
            DeactivationDate = i % 7 == 0 ? date.AddDays(30) : null,
            ArchiveDate = i == 9 ? date.AddDays(2) : null,
            Names = names,
            ObjectGroups = i % 6 == 0 ? ["group-a", "group-b"] : i % 2 == 0 ? ["group-a"] : [],
            Attributes =
            [
                .. names.Select((n, k) => new StoredAttribute("Name", k, Encoding.UTF8.GetBytes(n))),
                new StoredAttribute("Cryptographic Length", 0, [0x42, 0x00, 0x0B, 0x02, 0, 0, 0, 4, 0, 0, 1, 0, 0, 0, 0, 0]),
                new StoredAttribute("x-index", 0, Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
                .. i % 8 == 0 ? [new StoredAttribute("x-long", 0, Encoding.UTF8.GetBytes(new string('v', 400) + i))] : Array.Empty<StoredAttribute>(),
            ],
            WrappedSecret = i % 3 == 0 && i % 2 == 1 ? null
                : new WrappedKey(SHA256.HashData(Encoding.UTF8.GetBytes(Id(i))).Concat(new byte[8]).ToArray(), "hsmkmip-kek-1", "AES-KWP", SecretKeyKind.Aes, 32),
            PublicMaterial = i % 3 == 0 && i % 2 == 1 ? Encoding.UTF8.GetBytes("public-" + i) : null,
        };
        return obj;
    }

    /// <summary>Fixture objects 20–23 are destroyed after insert (version 2, blob gone).</summary>
    public static StoredObject Expected(int i) => i >= 20
        ? Object(i) with { Version = 2, State = 6, WrappedSecret = null, DestroyDate = Epoch.AddDays(1), LastChangeDate = Epoch.AddDays(1) }
        : Object(i);
}
