using System.Text.Json;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;
using Xunit;
using static HsmKmip.Server.Tests.KmipTestClient;

namespace HsmKmip.Server.Tests;

/// <summary>
/// PyKMIP's ProxyKmipClient.get_attributes(uid) with no names — what Barbican and scripts call — on every kind of
/// object at every version PyKMIP speaks. Its decoder fails the whole answer on one attribute it has no class for, so
/// this proves the all-attributes rule (README, "Attributes at each version") against the strictest real decoder.
/// </summary>
public sealed partial class PyKmipInteropTests
{
    private static readonly string[] SurveyObjects = ["symmetric key", "secret data", "public key", "private key", "certificate", "destroyed key"];

    [Theory]
    [MemberData(nameof(PyKmipVersions.All), MemberType = typeof(PyKmipVersions))]
    public async Task Get_attributes_with_no_names_decodes_for_every_object_kind(string version)
    {
        // One process makes the six objects and reads them back (RSA-1024: the pair's shape, not its strength, is tested).
        var survey = (await RunAsync(version, "all-attributes-survey", "--length", "1024")).GetProperty("result");
        foreach (var kind in SurveyObjects)
        {
            var result = survey.GetProperty(kind);
            Assert.True(result.GetProperty("ok").GetBoolean(), $"PyKMIP {version} get_attributes() on a {kind}: {result}");
            var names = result.GetProperty("names").EnumerateArray().Select(n => n.GetString()).ToArray();
            Assert.Contains("State", names);
            Assert.Contains("Object Type", names);
        }
        Assert.Contains("Destroy Date", Names(survey, "destroyed key"));
        Assert.Equal(version != "1.0", Names(survey, "symmetric key").Contains("Digest"));

        // What the portable answer leaves out is still there when asked by name (here with .NET's reader).
        if (version is "1.4" or "2.0")
        {
            var uid = survey.GetProperty("symmetric key").GetProperty("uid").GetString()!;
            await using var tls = await Server.ConnectAsync(Server.ClientCertificate());
            var v = version == "1.4" ? KmipVersion.V1_4 : KmipVersion.V2_0;
            var payload = v.IsV2OrLater
                ? SymmetricKeys.Payload(SymmetricKeys.Uid(uid), TtlvElement.Enumeration(Tag.AttributeReference, Tag.AlwaysSensitive))
                : SymmetricKeys.Payload(SymmetricKeys.Uid(uid), TtlvElement.Text(Tag.AttributeName, "Always Sensitive"));
            var answer = (await RoundTripAsync(tls, Request(v, Item(Operation.GetAttributes, payload)))).Items()[0];
            Assert.Equal(ResultStatus.Success, answer.Status());
            Assert.Contains(answer.Find(Tag.ResponsePayload)!.Children.SelectMany(c => c.Type == TtlvType.Structure ? c.Children.Prepend(c) : [c]),
                e => e.Tag == Tag.AlwaysSensitive || (e.Tag == Tag.AttributeName && e.AsText() == "Always Sensitive"));
        }
    }

    private static string?[] Names(JsonElement survey, string kind) =>
        survey.GetProperty(kind).GetProperty("names").EnumerateArray().Select(n => n.GetString()).ToArray();
}
