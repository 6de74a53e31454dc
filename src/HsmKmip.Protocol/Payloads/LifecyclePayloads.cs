using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;
using HsmKmip.Ttlv;

namespace HsmKmip.Protocol.Payloads;

/// <summary>Revoke request (KMIP 1.4 §4.20): the reason is required; the compromise date only matters for a compromise.</summary>
public sealed record RevokeRequest(string? UniqueIdentifier, RevocationReason Reason, DateTimeOffset? CompromiseOccurrenceDate) : IKmipRequest<RevokeRequest>, IObjectRequest
{
    public static RevokeRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        var uid = fields.Text(Tag.UniqueIdentifier);
        var reason = fields.Find(Tag.RevocationReason) ?? throw KmipException.MissingData("Revoke needs a Revocation Reason.");
        // The date is read leniently, as before typed payloads: an item of another type counts as absent.
        var occurred = fields.Find(Tag.CompromiseOccurrenceDate) is { Type: TtlvType.DateTime } d ? d.AsDateTime() : (DateTimeOffset?)null;
        return new RevokeRequest(uid, RevocationReason.Read(reason), occurred);
    }
}

/// <summary>Check request (KMIP 1.4 §4.10): the usage the client intends, as a Cryptographic Usage Mask (other fields are not checked here).</summary>
public sealed record CheckRequest(string? UniqueIdentifier, long? CryptographicUsageMask) : IKmipRequest<CheckRequest>, IObjectRequest
{
    public static CheckRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        return new CheckRequest(fields.Text(Tag.UniqueIdentifier), fields.Number(Tag.CryptographicUsageMask));
    }
}

/// <summary>Obtain Lease response (KMIP 1.4 §4.7).</summary>
public sealed record ObtainLeaseResponse(string UniqueIdentifier, uint LeaseTime, DateTimeOffset LastChangeDate) : IKmipResponse
{
    public TtlvElement? Write(KmipVersion version) => TtlvElement.Structure(Tag.ResponsePayload,
        TtlvElement.Text(Tag.UniqueIdentifier, UniqueIdentifier),
        TtlvElement.Interval(Tag.LeaseTime, LeaseTime),
        TtlvElement.DateTime(Tag.LastChangeDate, LastChangeDate));
}

/// <summary>Get Usage Allocation request (KMIP 1.4 §4.8): how many units the client reserves.</summary>
public sealed record GetUsageAllocationRequest(string? UniqueIdentifier, long UsageLimitsCount) : IKmipRequest<GetUsageAllocationRequest>, IObjectRequest
{
    public static GetUsageAllocationRequest Read(TtlvElement? payload, KmipVersion version)
    {
        var fields = new PayloadReader(payload);
        var uid = fields.Text(Tag.UniqueIdentifier);
        var count = fields.Number(Tag.UsageLimitsCount) ?? throw KmipException.MissingData("Get Usage Allocation needs a Usage Limits Count.");
        return new GetUsageAllocationRequest(uid, count);
    }
}
