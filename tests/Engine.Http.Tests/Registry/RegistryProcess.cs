using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Engine.TestKit;

namespace Engine.Http.Tests.Registry;

/// <summary>
/// Debian's docker-registry (distribution 2.8) on 127.0.0.1:&lt;free port&gt; with filesystem storage in a temporary
/// directory, optionally behind htpasswd basic auth. Started by <see cref="InitializeAsync"/>, killed by its pid and
/// its directory removed by <see cref="DisposeAsync"/>. Its access log is kept to count blob downloads.
/// </summary>
public sealed class RegistryProcess(string? htpasswdLine = null) : IAsyncLifetime
{
    public const string BinaryPath = "/usr/bin/docker-registry";

    /// <summary>Outside CI without the binary the tests are reported skipped with this reason; in CI they run and fail.</summary>
    public static string? SkipReason => !File.Exists(BinaryPath) && !TestPaths.InCi
        ? $"NOT RUN: {BinaryPath} is missing (apt-get install docker-registry; tests/test.sh installs it, and CI always runs these tests)"
        : null;

    private readonly StringBuilder _log = new();
    private Process? _process;
    private string? _root;

    public int Port { get; private set; }

    /// <summary>"127.0.0.1:PORT", the registry's part of image names.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(BinaryPath))
        {
            throw new InvalidOperationException($"{BinaryPath} is missing: install Debian's docker-registry package (tests/test.sh does)");
        }
        _root = TestPaths.NewTempDir("registry");
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var config = new StringBuilder($"""
            version: 0.1
            log:
              level: info
              accesslog:
                disabled: false
            storage:
              filesystem:
                rootdirectory: {_root}/data
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{Port}

            """);
        if (htpasswdLine is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(_root, "htpasswd"), htpasswdLine + "\n");
            config.Append($"""
                auth:
                  htpasswd:
                    realm: engine-tests
                    path: {_root}/htpasswd

                """);
        }
        var configPath = Path.Combine(_root, "config.yml");
        await File.WriteAllTextAsync(configPath, config.ToString());
        var start = new ProcessStartInfo(BinaryPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(configPath);
        _process = Process.Start(start) ?? throw new InvalidOperationException("docker-registry did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync($"http://{Host}/v2/");
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
            }
            if (_process.HasExited || DateTime.UtcNow >= deadline)
            {
                throw new InvalidOperationException($"docker-registry did not come up on {Host}:\n{Log}");
            }
            await Task.Delay(50); // polling for readiness: the registry has no readiness signal
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    /// <summary>
    /// Blob downloads (GET .../blobs/sha256:..., status 200) of a repository in the access log so far. First makes a
    /// sentinel request and waits for its log line, so every request answered before this call is counted.
    /// </summary>
    public async Task<int> CountBlobGetsAsync(string repository)
    {
        var sentinel = "sentinel" + Guid.NewGuid().ToString("N")[..12];
        using (var http = new HttpClient())
        {
            using var _ = await http.GetAsync($"http://{Host}/v2/{sentinel}/tags/list");
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!Log.Contains(sentinel, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the registry's access log did not show the sentinel request");
            await Task.Delay(20);
        }
        return Regex.Matches(Log, $"\"GET /v2/{Regex.Escape(repository)}/blobs/sha256:[0-9a-f]{{64}} HTTP/1.1\" 200").Count;
    }

    public async Task DisposeAsync()
    {
        if (_process is { } p)
        {
            if (!p.HasExited)
            {
                p.Kill();
            }
            await p.WaitForExitAsync();
            p.Dispose();
        }
        if (_root is not null && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}

/// <summary>A fact that needs docker-registry: reported not run (with the reason) when it is missing outside CI.</summary>
public sealed class RegistryFactAttribute : FactAttribute
{
    public RegistryFactAttribute() => Skip = RegistryProcess.SkipReason;
}
