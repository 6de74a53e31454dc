using Xunit;

namespace HsmKmip.Packaging.Tests;

/// <summary>
/// A test that installs and purges system packages: it runs only as root (CI runs as root on a throwaway Debian 12
/// machine) and is skipped, saying why, everywhere else.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (Environment.UserName != "root")
        {
            Skip = "packaging tests install, upgrade and purge the hsmkmip package system-wide: run them as root on a throwaway Debian 12 machine (CI does)";
        }
    }
}
