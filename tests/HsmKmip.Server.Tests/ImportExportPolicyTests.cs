using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Server.Tls;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.ImportExportTests;
using static HsmKmip.Server.Tests.KmipTestClient;
using static HsmKmip.Server.Tests.SymmetricKeys;

namespace HsmKmip.Server.Tests;

/// <summary>
/// Import and Export under an access policy file with grants and dual control, over mutual TLS: a grant of Export
/// alone releases nothing (Export also needs what Get needs), dual control's plaintext-Get rule holds Export as it holds
/// Get, a client granted Import on another owner's objects (an administrator) replaces them while the owner stays, and
/// an object whose Destroy dual control guards is not replaced.
/// </summary>
public sealed class ImportExportPolicyTests
{
    private static string Policy(string exportOnly, string getAndExport, string importer) => $$"""
        {
          "groups": { "export-only": ["{{exportOnly}}"], "readers": ["{{getAndExport}}"], "admins": ["{{importer}}"] },
          "grants": [
            { "group": "export-only", "owners": ["{{DevelopmentCertificates.DefaultClientName}}"], "operations": ["Export"] },
            { "group": "readers", "owners": ["{{DevelopmentCertificates.DefaultClientName}}"], "operations": ["Get", "Export"] },
            { "group": "admins", "owners": ["*"], "operations": ["Import", "Get"] }
          ],
          "dualControl": { "rules": [
            { "name": "held-get", "uniqueIdentifiers": ["ie-held-1"], "operations": ["Get"], "approvals": 1, "mode": "deny", "expiryHours": 1 },
            { "name": "held-destroy", "uniqueIdentifiers": ["ie-guarded-1"], "operations": ["Destroy"], "approvals": 1, "mode": "deny", "expiryHours": 1 }
          ] }
        }
        """;

    /// <summary>A client certificate of this server's CA for a chosen identity (the policy names it before the server starts).</summary>
    private static X509Certificate2 ClientNamed(TestServer server, string name)
    {
        using var ca = X509Certificate2.CreateFromPemFile(server.Pki.CaCertificate, server.Pki.CaKey);
        var directory = DevelopmentCertificates.IssueClientBundle(ca, server.Pki, name);
        return X509Certificate2.CreateFromPemFile(Path.Combine(directory, "client.crt"), Path.Combine(directory, "client.key"));
    }

    [Fact]
    public async Task Grants_and_dual_control_hold_Export_as_they_hold_Get_and_an_administrator_replaces_without_taking_ownership()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (exportOnly, reader, admin) = ("export-only-" + suffix, "reader-" + suffix, "admin-" + suffix);
        await using var server = await ConsoleTests.StartAsync(Policy(exportOnly, reader, admin));
        await using var owner = await server.ConnectAsync(server.ClientCertificate());
        var uid = await CreateAsync(owner);

        using var exportOnlyCertificate = ClientNamed(server, exportOnly);
        await using var exportOnlyTls = await server.ConnectAsync(exportOnlyCertificate);
        var refused = await ExportAsync(exportOnlyTls, uid);
        Assert.Equal(ResultReason.PermissionDenied, refused.Reason());
        Assert.Contains("needs Get", refused.Message(), StringComparison.Ordinal);
        Assert.Equal(ResultReason.PermissionDenied, (await GetAsync(exportOnlyTls, uid)).Reason());

        using var readerCertificate = ClientNamed(server, reader);
        await using var readerTls = await server.ConnectAsync(readerCertificate);
        var exported = Ok(await ExportAsync(readerTls, uid));
        Assert.Equal(await MaterialAsync(owner, uid), exported.Find(Tag.SymmetricKey)!.Find(Tag.KeyBlock)!.Find(Tag.KeyValue)!.Find(Tag.KeyMaterial)!.AsBytes().ToArray());

        // Dual control's plaintext-Get rule (deny mode) holds Export too, and records an approval request for it.
        const string held = "ie-held-1";
        Ok(await CallAsync(owner, KmipVersion.V2_1, Operation.Import, ImportAes(held, RandomNumberGenerator.GetBytes(32))));
        Assert.Equal(ResultReason.PermissionDenied, (await GetAsync(owner, held)).Reason());
        var heldExport = await ExportAsync(owner, held);
        Assert.Equal(ResultReason.PermissionDenied, heldExport.Reason());
        Assert.Contains("dual control: approval required", heldExport.Message(), StringComparison.Ordinal);
        Assert.Null(heldExport.Find(Tag.ResponsePayload)?.Find(Tag.SymmetricKey));

        // An administrator granted Import replaces the owner's object; the owner keeps it (and its Get).
        using var adminCertificate = ClientNamed(server, admin);
        await using var adminTls = await server.ConnectAsync(adminCertificate);
        var replacement = RandomNumberGenerator.GetBytes(32);
        Ok(await CallAsync(adminTls, KmipVersion.V2_1, Operation.Import, ImportAes(uid, replacement, replace: true)));
        Assert.Equal(replacement, await MaterialAsync(owner, uid));
        // The reader, granted on the owner's objects only, still reads it: it did not become the administrator's.
        Assert.Equal(ResultStatus.Success, (await ExportAsync(readerTls, uid)).Status());

        // An object whose Destroy dual control guards is not replaced: that would shred its key unapproved.
        var guardedKey = RandomNumberGenerator.GetBytes(32);
        Ok(await CallAsync(owner, KmipVersion.V2_1, Operation.Import, ImportAes("ie-guarded-1", guardedKey)));
        var guarded = await CallAsync(owner, KmipVersion.V2_1, Operation.Import, ImportAes("ie-guarded-1", RandomNumberGenerator.GetBytes(32), replace: true));
        Assert.Equal(ResultReason.PermissionDenied, guarded.Reason());
        Assert.Contains("dual control", guarded.Message(), StringComparison.Ordinal);
        Assert.Equal(guardedKey, await MaterialAsync(owner, "ie-guarded-1"));
    }
}
