using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HsmKmip.Server.Admin;

/// <summary>
/// The admin socket's wire form: UTF-8 JSON, one object per line. The client sends
/// <c>{"command": NAME, "arguments": {...}}</c>; the daemon answers with any number of
/// <c>{"progress": {...}}</c> lines and then exactly one <c>{"result": {...}}</c> or
/// <c>{"error": SENTENCE, "exitCode": N}</c>, and closes the connection.
/// </summary>
public static class AdminProtocol
{
    /// <summary>The socket's file name in the state folder.</summary>
    public const string SocketFileName = "admin.sock";

    /// <summary>Longest line either side accepts (a CSR or a progress event fits many times over).</summary>
    public const int MaxLineLength = 1 << 20;

    /// <summary>The admin socket of the daemon whose state folder is <paramref name="stateDir"/>.</summary>
    public static string SocketPath(string stateDir) => Path.Combine(stateDir, SocketFileName);

    internal static async Task WriteLineAsync(Stream stream, JsonObject message, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString() + "\n");
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one line as a JSON object; null at end of stream.</summary>
    internal static async Task<JsonObject?> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var line = new MemoryStream();
        var one = new byte[1];
        while (true)
        {
            int n = await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                if (line.Length == 0) return null;
                throw new IOException("The admin connection closed inside a message.");
            }
            if (one[0] == (byte)'\n') break;
            if (line.Length >= MaxLineLength) throw new IOException($"An admin message is longer than {MaxLineLength} bytes.");
            line.WriteByte(one[0]);
        }
        try
        {
            return JsonNode.Parse(line.GetBuffer().AsSpan(0, (int)line.Length)) as JsonObject
                ?? throw new IOException("An admin message is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new IOException($"An admin message is not valid JSON: {e.Message}", e);
        }
    }
}
