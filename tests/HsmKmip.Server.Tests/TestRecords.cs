using HsmKmip.Core.Store;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Server.Tests;

/// <summary>Store records made by hand, for tests that write to a store directly (no token, no daemon).</summary>
internal static class TestRecords
{
    /// <summary>A pre-active Secret Data record of owner "alice" without material.</summary>
    public static StoredObject SecretData(string uid) => new()
    {
        UniqueIdentifier = uid,
        ObjectType = (uint)ObjectType.SecretData,
        State = (uint)State.PreActive,
        Owner = "alice",
        InitialDate = DateTimeOffset.UtcNow,
        LastChangeDate = DateTimeOffset.UtcNow,
    };
}
