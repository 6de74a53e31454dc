using HsmKmip.Protocol.Vocabulary;

namespace HsmKmip.Core.Lifecycle;

/// <summary>
/// The KMIP key state machine (KMIP 1.4 §3.22, Figure 1): which transitions each operation may make, and the
/// state an object is in now given its Activation and Deactivation Dates (a date in the past moves it on; the
/// move is persisted by the next write).
/// </summary>
public static class KeyLifecycle
{
    /// <summary>The state at <paramref name="now"/>: Pre-Active becomes Active once the Activation Date has passed, Active becomes Deactivated once the Deactivation Date has.</summary>
    public static State Effective(State stored, DateTimeOffset? activationDate, DateTimeOffset? deactivationDate, DateTimeOffset now)
    {
        var state = stored;
        if (state == State.PreActive && activationDate is { } a && a <= now) state = State.Active;
        if (state == State.Active && deactivationDate is { } d && d <= now) state = State.Deactivated;
        return state;
    }

    /// <summary>Activate: only a Pre-Active object (KMIP 1.4 §4.19), else Wrong Key Lifecycle State (Permission Denied before 2.0).</summary>
    public static bool CanActivate(State state) => state == State.PreActive;

    /// <summary>Destroy: refused for Active objects (KMIP 1.4 §4.21) and for objects already destroyed.</summary>
    public static bool CanDestroy(State state) => state is State.PreActive or State.Deactivated or State.Compromised;

    /// <summary>The state after Revoke: Key Compromise / CA Compromise make any state Compromised (Destroyed Compromised for destroyed objects); other reasons deactivate an Active object only.</summary>
    public static State? AfterRevoke(State state, bool compromise) => (state, compromise) switch
    {
        (State.Destroyed or State.DestroyedCompromised, true) => State.DestroyedCompromised,
        (State.PreActive or State.Active or State.Deactivated or State.Compromised, true) => State.Compromised,
        (State.Active, false) => State.Deactivated,
        _ => null,
    };

    /// <summary>The state after Destroy.</summary>
    public static State AfterDestroy(State state) => state == State.Compromised ? State.DestroyedCompromised : State.Destroyed;

    /// <summary>True for states in which the key material is gone.</summary>
    public static bool IsDestroyed(State state) => state is State.Destroyed or State.DestroyedCompromised;
}
