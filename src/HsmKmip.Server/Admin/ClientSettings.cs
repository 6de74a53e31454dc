using System.Globalization;
using System.Text.Json.Nodes;

namespace HsmKmip.Server.Admin;

/// <summary>The exact settings each KMIP client needs for a bundle, as `client add` prints them.</summary>
internal static class ClientSettings
{
    public static JsonObject For(string host, int port, string dir, bool fromCsr)
    {
        string P(string file) => Path.Combine(dir, file);
        var inv = CultureInfo.InvariantCulture;
        var vsphere = fromCsr
            ? string.Create(inv, $"""
                vCenter > Configure > Security > Key Providers > the Standard Key Provider > KMS {host}:{port} > Establish Trust > Make KMS trust vCenter >
                "New Certificate Signing Request (CSR)": you gave that CSR here. Now choose "Upload signed CSR certificate" and upload {P("client.crt")}.
                Then Make vCenter trust KMS: upload the KMS certificate chain {P("ca.crt")} if vCenter asks for it.
                """)
            : string.Create(inv, $"""
                vCenter > Configure > Security > Key Providers > Add Standard Key Provider: name of your choice, KMS address {host}, port {port}.
                Then Establish Trust > Make KMS trust vCenter > "KMS certificate and private key": upload {P("client.crt")} as the KMS certificate and
                {P("client.key")} as its private key (where a PKCS#12 file is asked for, {P("client.p12")}, empty password).
                Make vCenter trust KMS: trust the certificate it shows; it is issued by the CA in {P("ca.crt")}.
                """);
        var clientPem = fromCsr ? "<the PEM holding your own private key and " + P("client.crt") + ">" : P("client.pem");
        var mongodb = string.Create(inv, $"""
            mongod --enableEncryption --kmipServerName {host} --kmipPort {port} \
                   --kmipServerCAFile {P("ca.crt")} --kmipClientCertificateFile {clientPem}
            """);
        var percona = string.Create(inv, $"""
            # mongod.conf (Percona Server for MongoDB)
            security:
              enableEncryption: true
              kmip:
                serverName: {host}
                port: {port}
                serverCAFile: {P("ca.crt")}
                clientCertificateFile: {clientPem}
            """);
        var pykmip = string.Create(inv, $"""
            # pykmip.conf
            [client]
            host={host}
            port={port}
            certfile={P("client.crt")}
            keyfile={(fromCsr ? "<your private key file>" : P("client.key"))}
            ca_certs={P("ca.crt")}
            cert_reqs=CERT_REQUIRED
            ssl_version=PROTOCOL_SSLv23
            do_handshake_on_connect=True
            suppress_ragged_eofs=True
            """);
        return new JsonObject { ["vsphere"] = vsphere, ["mongodb"] = mongodb, ["percona"] = percona, ["pykmip"] = pykmip };
    }
}
