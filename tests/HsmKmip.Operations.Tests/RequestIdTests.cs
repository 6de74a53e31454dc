using System.Collections.Concurrent;
using HsmKmip.Core;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using HsmKmip.Protocol.Messages;
using Xunit;

namespace HsmKmip.Operations.Tests;

/// <summary>The request identifier in every audit record: the same 32-hex-digit shape as before, unique under concurrency.</summary>
public sealed class RequestIdTests
{
    private static OperationContext Context() => new(ClientPrincipal.Local("alice"), new RequestHeader { Version = KmipVersion.V1_4, BatchCount = 1 });

    [Fact]
    public void Request_ids_are_32_lowercase_hex_digits_and_never_repeat_across_threads()
    {
        var ids = new ConcurrentBag<string>();
        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 5_000; i++) ids.Add(Context().RequestId);
        });

        Assert.Equal(40_000, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        // One process, one random prefix (64 bits); the counter half differs.
        Assert.Single(ids.Select(id => id[..16]).Distinct(StringComparer.Ordinal));
    }
}
