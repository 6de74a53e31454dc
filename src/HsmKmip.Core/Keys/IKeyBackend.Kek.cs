namespace HsmKmip.Core.Keys;

// KEK versions and rotation. A rotation is: CreateNextKekAsync (new wraps go to the new version at once), then
// RewrapAsync for every stored blob under an older version, then DestroyKekAsync for each older version nothing
// refers to any more. Each step is safe to repeat, so an interrupted rotation resumes where it stopped.
public partial interface IKeyBackend
{
    /// <summary>The KEK versions on the token, oldest first; exactly one is current (the highest version).</summary>
    ValueTask<IReadOnlyList<KekVersion>> ListKeksAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Creates the next KEK version in the token (AES-256, sensitive, non-extractable, wrap/unwrap only, a token object)
    /// and makes it current: every wrap that starts after this returns uses it. Returns its label.
    /// </summary>
    ValueTask<string> CreateNextKekAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Re-wraps <paramref name="key"/> under the current KEK inside the token: unwrapped under its own KEK into a session
    /// object, wrapped under the current one, the session object destroyed; the plaintext never leaves the token.
    /// A key already under the current KEK comes back as it is.
    /// </summary>
    ValueTask<WrappedKey> RewrapAsync(WrappedKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Checks that <paramref name="key"/> unwraps on this token (into a session object that is destroyed at once, never
    /// read). Throws <see cref="KeyBackendError.CorruptBlob"/> when its KEK is missing or the blob does not open.
    /// </summary>
    ValueTask VerifyAsync(WrappedKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Destroys an older KEK version. The current KEK is refused (<see cref="KeyBackendError.InvalidInput"/>); the caller
    /// makes sure no stored blob refers to <paramref name="label"/> any more. A label already gone is not an error.
    /// </summary>
    ValueTask DestroyKekAsync(string label, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the newest KEK version on the token current when another process sharing the token or HSM partition (another
    /// node) created it since this one looked: every wrap that starts after this returns uses it. Returns its label, or
    /// null when the current KEK is already the newest.
    /// </summary>
    ValueTask<string?> AdoptNewestKekAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}

/// <summary>
/// The other processes that wrap keys for the same store (the nodes sharing one PostgreSQL): a KEK rotation waits until
/// every live one wraps under the new KEK before it re-wraps the last blobs and destroys an older KEK, so that no node
/// can store a blob under a KEK that is about to go.
/// </summary>
public interface IKekFollowers
{
    /// <summary>
    /// Returns once every live node reports <paramref name="kekLabel"/> as its current KEK; throws
    /// <see cref="KeyBackendException"/> (Unavailable) naming the nodes that did not follow within the wait.
    /// </summary>
    Task WaitUntilAllUseAsync(string kekLabel, CancellationToken cancellationToken);
}

/// <summary>One KEK on the token.</summary>
/// <param name="Label">Its label, e.g. "hsmkmip-kek-2".</param>
/// <param name="Version">The number after the prefix.</param>
/// <param name="Current">Whether new wraps use it.</param>
public sealed record KekVersion(string Label, int Version, bool Current);
