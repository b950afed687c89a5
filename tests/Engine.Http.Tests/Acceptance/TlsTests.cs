using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Engine.TestKit;

namespace Engine.Http.Tests.Acceptance;

/// <summary>--tlsverify on a tcp:// host: the Docker CLI with a client certificate from the CA gets in (also through a hijack), one without does not.</summary>
[Trait("Category", "Root")]
public sealed class TlsTests : IAsyncLifetime
{
    private readonly string _certs = TestPaths.NewTempDir("tls");
    private readonly EngineProcess _engine = new();
    private string _tcpHost = "";

    // One clock reading: a leaf must not outlive its CA (computed apart, they can differ by a tick).
    private static readonly DateTimeOffset NotBefore = DateTimeOffset.UtcNow.AddMinutes(-5);

    public async Task InitializeAsync()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=engine-test-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(NotBefore, NotBefore.AddDays(2));
        WritePem("ca.pem", ca);
        Issue(ca, "server", server: true);
        Issue(ca, "client", server: false);

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        _tcpHost = $"tcp://127.0.0.1:{port}";
        _engine.ExtraArguments.AddRange(["--host", _tcpHost, "--tlsverify",
            "--tlscacert", Path.Combine(_certs, "ca.pem"),
            "--tlscert", Path.Combine(_certs, "server-cert.pem"),
            "--tlskey", Path.Combine(_certs, "server-key.pem")]);
        await _engine.InitializeAsync();
        await AcceptanceEngine.ImportBusyboxAsync(_engine);
    }

    private void Issue(X509Certificate2 ca, string name, bool server)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [server ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }
        using var cert = request.Create(ca, NotBefore, NotBefore.AddDays(1), RandomNumberGenerator.GetBytes(8));
        // The Docker CLI looks for cert.pem and key.pem of the client.
        WritePem(server ? "server-cert.pem" : "cert.pem", cert);
        File.WriteAllText(Path.Combine(_certs, server ? "server-key.pem" : "key.pem"), key.ExportPkcs8PrivateKeyPem());
    }

    private void WritePem(string file, X509Certificate2 cert) => File.WriteAllText(Path.Combine(_certs, file), cert.ExportCertificatePem());

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        Directory.Delete(_certs, recursive: true);
    }

    private Task<DockerCliResult> DockerTlsAsync(bool withClientCertificate, params string[] args)
    {
        var tls = withClientCertificate
            ? new[] { "--tlsverify", "--tlscacert", Path.Combine(_certs, "ca.pem"), "--tlscert", Path.Combine(_certs, "cert.pem"), "--tlskey", Path.Combine(_certs, "key.pem") }
            : new[] { "--tls", "--tlscacert", Path.Combine(_certs, "ca.pem") };
        return DockerCli.RunAsync(_tcpHost, tls.Concat(args));
    }

    [Fact]
    public async Task A_client_with_a_certificate_of_the_ca_negotiates_and_runs()
    {
        var version = await DockerTlsAsync(true, "version");
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Contains("API version:      1.19", version.StandardOutput);
        var run = await DockerTlsAsync(true, "run", "--rm", "--net", "none", "busybox", "echo", "over-tls");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("over-tls\n", run.StandardOutput);
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_refused()
    {
        var version = await DockerTlsAsync(false, "version");
        Assert.NotEqual(0, version.ExitCode);
        Assert.DoesNotContain("1.7.1", version.StandardOutput);
    }
}
