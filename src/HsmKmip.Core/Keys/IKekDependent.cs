namespace HsmKmip.Core.Keys;

/// <summary>
/// A blob wrapped under the KEK that lives outside the object store (the audit log's checkpoint key). KEK rotation
/// re-wraps every dependent under the current KEK before it destroys an older one, or that blob would be lost with it.
/// </summary>
public interface IKekDependent
{
    /// <summary>Re-wraps under the current KEK when the blob is under an older one; durable before it returns.</summary>
    ValueTask RewrapAsync(CancellationToken cancellationToken);
}
