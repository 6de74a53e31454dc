namespace HsmKmip.Operations.Objects;

/// <summary>States kept as attributes rather than in the lifecycle state (KMIP 1.4 §4.23: archived objects carry an Archive Date).</summary>
internal static class ObjectStates
{
    public static bool IsArchived(ObjectView view) => view.Attributes.Any(a => Protocol.Attributes.KmipAttributeKeys.ArchiveDate.Matches(a));
}
