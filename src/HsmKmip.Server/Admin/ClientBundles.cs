using System.Text.RegularExpressions;
using HsmKmip.Server.Tls;

namespace HsmKmip.Server.Admin;

/// <summary>The client bundles issued under <c>&lt;state&gt;/tls/clients/NAME/</c>.</summary>
internal static partial class ClientBundles
{
    /// <summary>Every bundle folder holding a client.crt, by name, sorted.</summary>
    public static IEnumerable<(string Name, string Directory)> All(DevelopmentPki pki)
    {
        var root = Path.Combine(pki.Directory, "clients");
        if (!Directory.Exists(root)) return [];
        return Directory.EnumerateDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "client.crt")))
            .Select(d => (Path.GetFileName(d), d))
            .OrderBy(x => x.Item1, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Refuses names that would not make a safe folder name or Common Name.</summary>
    public static string CheckName(string? name)
    {
        if (name is null || !NamePattern().IsMatch(name))
        {
            throw new AdminException($"Client name '{name}' is not usable: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.", AdminException.UsageExitCode);
        }
        return name;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();
}
