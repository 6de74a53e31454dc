using System.CommandLine;
using System.Text;
using System.Text.Json;
using HsmKmip.Server.Admin;
using HsmKmip.Server.Configuration;

namespace HsmKmip.Server.Cli;

/// <summary>`hsmkmip init`: set up a state folder, token, KEK, store, server certificate and config file.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var command = new Command("init", "Set up the appliance: log in to the PKCS#11 token (or make the embedded SoftHSM2 token) and create the KEK, " +
            "create the store, make the server certificate (or import one, or write a CSR for your CA), and write the config file. " +
            "Non-interactive with flags; on a terminal it asks for what is missing. The PIN comes from --pin-file or a prompt, never a flag. " +
            "Run it with the daemon stopped.");
        bool root = Admin.NativeUnix.EffectiveUserId == 0;
        var config = new Option<string>("--config") { Description = $"Config file to write. Default {(root ? AdminOptions.PackagedConfig : "./hsmkmip.json")}.", HelpName = "FILE" };
        var stateDir = new Option<string>("--state-dir") { Description = $"State folder (token, store, certificates), made mode 0700. Default {(root ? "/var/lib/hsmkmip" : "./var")}.", HelpName = "DIR" };
        var listen = new Option<string[]>("--listen") { Description = "HOST:PORT to serve KMIP on (repeatable). Default 0.0.0.0:5696.", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
        var module = new Option<string?>("--pkcs11-module") { Description = "The HSM vendor's PKCS#11 library. Without it (or with --embedded) the embedded SoftHSM2 token in the state folder is used.", HelpName = "FILE" };
        var embedded = new Option<bool>("--embedded") { Description = "Use the embedded SoftHSM2 token without asking." };
        var token = new Option<string?>("--token-label") { Description = "Label of the token (HSM partition) that holds the KEK; asked on a terminal when missing." };
        var pinFile = new Option<string?>("--pin-file") { Description = "File holding the token's user PIN (mode 0600); asked on a terminal when missing and stored in <state>/pkcs11-pin.", HelpName = "FILE" };
        var certMode = new Option<string>("--server-cert") { Description = "generate (default: issued by the appliance CA), import (--tls-cert, --tls-key, --client-ca) or csr (a key and <state>/tls/server.csr for your CA).", DefaultValueFactory = _ => "generate" };
        certMode.AcceptOnlyFromAmong("generate", "import", "csr");
        var tlsCert = new Option<string?>("--tls-cert") { Description = "With --server-cert import: the server certificate PEM (leaf, then intermediates).", HelpName = "FILE" };
        var tlsKey = new Option<string?>("--tls-key") { Description = "With --server-cert import: its private key PEM.", HelpName = "FILE" };
        var clientCa = new Option<string?>("--client-ca") { Description = "With --server-cert import: PEM bundle of the CAs whose client certificates are accepted.", HelpName = "FILE" };
        var names = new Option<string[]>("--server-name") { Description = "Further DNS name or IP address clients use to reach this server (repeatable), put in the certificate or CSR.", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
        var user = new Option<string?>("--user") { Description = "When run as root: the user the daemon runs as (the package's 'hsmkmip'); it gets the state folder." };
        var force = new Option<bool>("--force") { Description = "Replace an existing config file." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        foreach (var o in new Option[] { config, stateDir, listen, module, embedded, token, pinFile, certMode, tlsCert, tlsKey, clientCa, names, user, force, json }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            bool interactive = !Console.IsInputRedirected && !Console.IsOutputRedirected;
            byte[]? typedPin = null;
            try
            {
                var modulePath = parse.GetValue(module);
                if (modulePath is null && !parse.GetValue(embedded) && interactive)
                {
                    modulePath = Ask("PKCS#11 module of your HSM (Enter for the embedded SoftHSM2 token): ");
                }
                var tokenLabel = parse.GetValue(token);
                var pin = parse.GetValue(pinFile);
                if (modulePath is not null)
                {
                    if (!File.Exists(modulePath))
                    {
                        throw new AdminException($"PKCS#11 module {Path.GetFullPath(modulePath)} does not exist; install the HSM vendor's client library or fix --pkcs11-module.", AdminException.UsageExitCode);
                    }
                    if (tokenLabel is null && interactive) tokenLabel = Ask("Token label: ");
                    if (tokenLabel is null) throw new AdminException("With --pkcs11-module, give --token-label too: the label of the token that holds the key-encryption key.", AdminException.UsageExitCode);
                    if (pin is null && interactive) typedPin = AskSecret("User PIN (not shown): ");
                }
                else if (tokenLabel is not null || pin is not null)
                {
                    throw new AdminException("--token-label and --pin-file go with --pkcs11-module; without a module the embedded SoftHSM2 token is used.", AdminException.UsageExitCode);
                }
                var settings = new InitSettings
                {
                    ConfigPath = parse.GetValue(config) ?? (root ? AdminOptions.PackagedConfig : "hsmkmip.json"),
                    StateDir = parse.GetValue(stateDir) ?? (root ? "/var/lib/hsmkmip" : "var"),
                    Listen = parse.GetValue(listen) is { Length: > 0 } l ? l : ["0.0.0.0:5696"],
                    Pkcs11Module = modulePath,
                    TokenLabel = tokenLabel,
                    PinFile = pin,
                    PromptedPin = typedPin,
                    CertificateMode = Enum.Parse<ServerCertificateMode>(parse.GetValue(certMode)!, ignoreCase: true),
                    TlsCert = parse.GetValue(tlsCert),
                    TlsKey = parse.GetValue(tlsKey),
                    ClientCa = parse.GetValue(clientCa),
                    ServerNames = parse.GetValue(names) ?? [],
                    Force = parse.GetValue(force),
                    User = parse.GetValue(user),
                };
                bool asJson = parse.GetValue(json);
                var summary = await Initializer.RunAsync(settings, asJson ? TextWriter.Null : output, ct).ConfigureAwait(false);
                if (asJson) await output.WriteLineAsync(summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
                else if (summary["ready"]!.GetValue<bool>()) await output.WriteLineAsync($"Done. Start the daemon: hsmkmip serve --config {summary["config"]} (or systemctl restart hsmkmip).").ConfigureAwait(false);
                return 0;
            }
            catch (AdminException e)
            {
                await error.WriteLineAsync($"hsmkmip: {e.Message}").ConfigureAwait(false);
                return e.ExitCode;
            }
            catch (ConfigurationException e)
            {
                await error.WriteLineAsync($"hsmkmip: {e.Message}").ConfigureAwait(false);
                return AdminException.UsageExitCode;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"hsmkmip: {e.Message}").ConfigureAwait(false);
                return AdminException.FailureExitCode;
            }
            finally
            {
                if (typedPin is not null) System.Security.Cryptography.CryptographicOperations.ZeroMemory(typedPin);
            }
        });
        return command;
    }

    private static string? Ask(string question)
    {
        Console.Write(question);
        var answer = Console.ReadLine()?.Trim();
        return string.IsNullOrEmpty(answer) ? null : answer;
    }

    /// <summary>Reads a line without echo, into bytes the caller zeroes (no string holds the PIN).</summary>
    private static byte[] AskSecret(string question)
    {
        Console.Write(question);
        var chars = new List<byte>();
        Span<byte> utf8 = stackalloc byte[4];
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (chars.Count > 0) chars.RemoveAt(chars.Count - 1);
                continue;
            }
            int n = Encoding.UTF8.GetBytes([key.KeyChar], utf8);
            foreach (var b in utf8[..n]) chars.Add(b);
        }
        Console.WriteLine();
        var pin = chars.ToArray();
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(chars).Clear();
        if (pin.Length == 0) throw new AdminException("No PIN was typed: give --pin-file or type the token's user PIN.", AdminException.UsageExitCode);
        return pin;
    }
}
