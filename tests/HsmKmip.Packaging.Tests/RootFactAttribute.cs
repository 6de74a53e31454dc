using Xunit;

namespace HsmKmip.Packaging.Tests;

/// <summary>
/// A package test: it builds packages and installs them into a <see cref="ThrowawayRoot"/>, which needs root (mount
/// namespaces, overlayfs, chroot). Skipped, saying why, for other users and when HSMKMIP_SKIP_PACKAGING=1.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (SkipReason is { } reason) Skip = reason;
    }

    /// <summary>Why the package tests do not run here, or null when they do.</summary>
    public static string? SkipReason =>
        Environment.GetEnvironmentVariable("HSMKMIP_SKIP_PACKAGING") == "1" ? "HSMKMIP_SKIP_PACKAGING=1"
        : Environment.UserName != "root" ? "packaging tests build packages and install them into a throwaway overlay root (mount namespace, chroot): run them as root"
        : null;
}
