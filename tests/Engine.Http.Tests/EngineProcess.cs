using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Engine.TestKit;

namespace Engine.Http.Tests;

/// <summary>
/// Runs the real daemon (the `engine` built from Engine.Host, copied beside this assembly) on a
/// temporary socket, data root and exec root; ready once /_ping answers. Disposing sends SIGTERM,
/// waits for a clean exit (the engine stops its containers and removes its socket), and deletes
/// the temporary directories. Use as an xunit class or collection fixture.
/// </summary>
public sealed class EngineProcess : IAsyncLifetime
{
    private readonly StringBuilder _log = new();
    private readonly bool _ownsRoot;
    private Process? _process;

    public EngineProcess()
        : this(TestPaths.NewTempDir("engine"), ownsRoot: true)
    {
    }

    private EngineProcess(string root, bool ownsRoot, string? bridge = null, string? bridgeIp = null)
    {
        Root = root;
        // Engines run side by side in tests: each gets its own bridge and subnet unless told otherwise.
        Bridge = bridge ?? "eng" + Guid.NewGuid().ToString("N")[..6];
        BridgeIp = bridgeIp ?? Engine.Core.Networking.Ipv4Subnet.RandomFree24().ToString();
        _ownsRoot = ownsRoot;
        // Its own cgroup parent too ("engine-<hex>", the root's name: the same for an engine restarted on it).
        CgroupParent = Path.GetFileName(root);
        SocketPath = Path.Combine(Root, "engine.sock");
        DataRoot = Path.Combine(Root, "data");
        ExecRoot = Path.Combine(Root, "exec");
    }

    /// <summary>
    /// An engine on the same socket, data root and exec root as <paramref name="previous"/> (stopped
    /// first by the caller), as a daemon restarted on its old state. Disposing it stops it but leaves
    /// the directories to <paramref name="previous"/>, which deletes them.
    /// </summary>
    public static EngineProcess OnSameRoot(EngineProcess previous) => new(previous.Root, ownsRoot: false, previous.Bridge, previous.BridgeIp);

    /// <summary>An engine on a new temporary root with the given --bridge and --bip.</summary>
    public static EngineProcess WithBridge(string bridge, string bridgeIp) => new(TestPaths.NewTempDir("engine"), ownsRoot: true, bridge, bridgeIp);

    /// <summary>The --bridge of this engine (unique per instance by default).</summary>
    public string Bridge { get; }

    /// <summary>The --bip of this engine (a random free 10.x.y.1/24 by default).</summary>
    public string BridgeIp { get; }

    public string Root { get; }

    /// <summary>Where this engine's container cgroups go under each hierarchy.</summary>
    public string CgroupParent { get; }

    /// <summary>More flags for the daemon (set before InitializeAsync), e.g. another --host and TLS files.</summary>
    public List<string> ExtraArguments { get; } = [];

    /// <summary>The daemon's pid while it runs.</summary>
    public int Pid => _process?.Id ?? throw new InvalidOperationException("engine not started");
    public string SocketPath { get; }
    public string DataRoot { get; }
    public string ExecRoot { get; }

    /// <summary>The DOCKER_HOST value for clients.</summary>
    public string DockerHost => "unix://" + SocketPath;

    /// <summary>What the engine printed so far (stdout and stderr), for failure messages.</summary>
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

    public static string ExecutablePath => Path.Combine(AppContext.BaseDirectory, "engine");

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--host", DockerHost, "--data-root", DataRoot, "--exec-root", ExecRoot, "--debug", "--bridge", Bridge, "--bip", BridgeIp, "--cgroup-parent", CgroupParent }.Concat(ExtraArguments))
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("engine did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await PingAsync())
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"engine exited with {_process.ExitCode} before answering /_ping:\n{Log}");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"engine did not answer /_ping within 30 s:\n{Log}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Sends <paramref name="signal"/> (SIGTERM by default; 9 to simulate a crash) and waits for the
    /// daemon to exit; the directories stay. After 60 s it is killed. Sets <see cref="ExitCode"/>.
    /// </summary>
    public async Task StopAsync(int signal = 15)
    {
        if (_process is { HasExited: false })
        {
            Kill(_process.Id, signal);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        if (_process is { HasExited: true })
        {
            ExitCode = _process.ExitCode;
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        if (!_ownsRoot)
        {
            return;
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A mount the engine left behind; the engine's own tests report that.
        }
    }

    /// <summary>Exit code of the daemon once it has exited (after DisposeAsync), else null.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>An HttpClient talking to the engine's socket (base address http://engine).</summary>
    public HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = new Uri("http://engine") };

    /// <summary>Runs the docker CLI against this engine.</summary>
    public Task<DockerCliResult> DockerAsync(params string[] args) => DockerCli.RunAsync(DockerHost, args);

    /// <summary>Runs the docker CLI against this engine with text on its stdin.</summary>
    public Task<DockerCliResult> DockerWithInputAsync(string standardInput, params string[] args) => DockerCli.RunAsync(DockerHost, args, standardInput);

    private async Task<bool> PingAsync()
    {
        if (!File.Exists(SocketPath))
        {
            return false;
        }
        try
        {
            using var client = CreateHttpClient();
            client.Timeout = TimeSpan.FromSeconds(2);
            using var response = await client.GetAsync("/_ping");
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException)
        {
            return false;
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

    private static void Kill(int pid, int signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
        kill?.WaitForExit();
    }
}
