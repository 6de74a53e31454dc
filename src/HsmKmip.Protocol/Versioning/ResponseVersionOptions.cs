namespace HsmKmip.Protocol.Versioning;

/// <summary>How <see cref="ResponseVersionRule"/> is applied on the way out.</summary>
/// <param name="AllAttributes">What an unnamed Get Attributes answers with (default: the portable list).</param>
/// <param name="RefuseLeaks">
/// True to answer General Failure when a handler built a field the request's version lacks (tests: no test passes
/// with a leak); false to leave the field out and log it (a client still gets an answer it can decode).
/// </param>
public sealed record ResponseVersionOptions(AllAttributesMode AllAttributes = AllAttributesMode.Portable, bool RefuseLeaks = false)
{
    public static ResponseVersionOptions Default { get; } = new();
}
