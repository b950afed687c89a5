using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Engine.Host;

/// <summary>Docker's --tls/--tlsverify: a server certificate, and with verify, client certificates signed by one CA.</summary>
internal static class TlsSettings
{
    public static HttpsConnectionAdapterOptions Load(HostArguments arguments)
    {
        var options = new HttpsConnectionAdapterOptions
        {
            ServerCertificate = X509Certificate2.CreateFromPemFile(arguments.TlsCert!, arguments.TlsKey),
        };
        if (arguments.TlsVerify)
        {
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(arguments.TlsCaCert!));
            options.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            options.ClientCertificateValidation = (certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            };
        }
        return options;
    }
}
