using HsmKmip.Protocol.Attributes;
using HsmKmip.Protocol.Messages;
using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Operations.Objects;

/// <summary>
/// Which attributes a client may add, change or delete, and which may have several instances (KMIP 1.4 §3, the
/// "Modifiable by client" and "Multiple instances permitted" rows; KMIP 2.1 §4). Custom "x-" attributes are the
/// client's own; "y-" ones are the server's.
/// </summary>
public static class AttributeRules
{
    private static readonly HashSet<string> ClientModifiable = new(StringComparer.Ordinal)
    {
        "Name", "Object Group", "Link", "Application Specific Information", "Contact Information", "Alternative Name",
        "Cryptographic Parameters", "Activation Date", "Deactivation Date", "Process Start Date", "Protect Stop Date",
        "Usage Limits", "Operation Policy Name", "Description", "Comment", "Key Value Location", "Sensitive", "Extractable",
        "PKCS#12 Friendly Name", "Cryptographic Usage Mask", "NIST Key Type", "Protection Level", "Protection Period",
        "Quantum Safe", "Rotate Automatic", "Rotate Date", "Rotate Interval", "Rotate Name", "Rotate Name Type", "Rotate Offset",
    };

    private static readonly HashSet<string> MultiInstance = new(StringComparer.Ordinal)
    {
        "Name", "Object Group", "Link", "Application Specific Information", "Alternative Name", "Cryptographic Parameters",
        "Cryptographic Domain Parameters", "Key Value Location",
    };

    public static bool IsMultiInstance(string name) => MultiInstance.Contains(name) || name.StartsWith("x-", StringComparison.Ordinal) || name.StartsWith("y-", StringComparison.Ordinal);

    /// <summary>Throws unless a client may change <paramref name="attribute"/> on an object in <paramref name="state"/>.</summary>
    public static void EnsureClientMayChange(KmipAttribute attribute, State state, KmipVersion version)
    {
        var name = attribute.Name;
        bool allowed = name.StartsWith("x-", StringComparison.Ordinal) || ClientModifiable.Contains(name);
        if (!allowed)
        {
            throw new KmipException(version.Major >= 2 ? ResultReason.AttributeReadOnly : ResultReason.PermissionDenied,
                $"'{name}' is maintained by the server; a client cannot change it.");
        }
        if (name == "Activation Date" && state != State.PreActive)
        {
            throw FailureMapping.WrongState(version, "The Activation Date can only be changed while the object is Pre-Active.");
        }
    }

    /// <summary>Sensitive may only become true and Extractable only false (KMIP 1.4 §3.48, §3.50), as in PKCS#11.</summary>
    public static void EnsureOneWay(KmipAttribute? current, KmipAttribute next, KmipVersion version)
    {
        if (current is null || next.Value.Type != Ttlv.TtlvType.Boolean || current.Value.Type != Ttlv.TtlvType.Boolean) return;
        bool from = current.Value.AsBoolean(), to = next.Value.AsBoolean();
        if ((next.Name == "Sensitive" && from && !to) || (next.Name == "Extractable" && !from && to))
        {
            throw new KmipException(version.Major >= 2 ? ResultReason.AttributeReadOnly : ResultReason.PermissionDenied,
                $"'{next.Name}' cannot go back to {(to ? "true" : "false")} once it was {(from ? "true" : "false")}.");
        }
    }

    public static KmipException NotFound(KmipVersion version, string name, int index) =>
        new(version.Major >= 2 ? ResultReason.AttributeNotFound : ResultReason.ItemNotFound, $"The object has no '{name}' attribute with index {index}.");

    public static KmipException SingleValued(KmipVersion version, string name) =>
        new(version.Major >= 2 ? ResultReason.AttributeSingleValued : ResultReason.IllegalOperation, $"'{name}' has one value at most; use Modify Attribute to change it.");
}
