using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Engine.Http.Tests.Acceptance;
using Engine.TestKit;

namespace Engine.Http.Tests.Networking;

/// <summary>The daemon with its own bridge (--bridge/--bip) and busybox imported.</summary>
public sealed class BridgeEngineFixture : IAsyncLifetime
{
    public EngineProcess Engine { get; } = new();

    public async Task InitializeAsync()
    {
        await Engine.InitializeAsync();
        await AcceptanceEngine.ImportBusyboxAsync(Engine);
    }

    public async Task DisposeAsync()
    {
        var bridge = Engine.Bridge;
        var subnet = Core.Networking.Ipv4Subnet.Parse(Engine.BridgeIp).NetworkCidr;
        await Engine.DisposeAsync();
        BridgeCliTests.AssertNetworkGone(bridge, subnet);
    }
}

/// <summary>docker run -p / -P, docker port and docker ps against the engine's bridge networking.</summary>
[Trait("Category", "Root")]
public sealed class BridgeCliTests(BridgeEngineFixture fixture) : IClassFixture<BridgeEngineFixture>
{
    private const string ServeScript = "mkdir -p /www && echo hello-from-httpd > /www/index.html && exec httpd -f -p {0} -h /www";

    private Task<DockerCliResult> Docker(params string[] args) => fixture.Engine.DockerAsync(args);

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Any, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Run_with_p_serves_http_on_the_host_port_and_port_and_ps_show_it()
    {
        var name = AcceptanceEngine.UniqueName("web");
        var port = FreePort();
        var run = await Docker("run", "-d", "--name", name, "-p", $"{port}:80", "busybox", "sh", "-c", string.Format(ServeScript, 80));
        Assert.True(run.ExitCode == 0, run.ToString());
        try
        {
            Assert.Equal("hello-from-httpd\n", await GetAsync(port));

            var portOut = await Docker("port", name);
            Assert.True(portOut.ExitCode == 0, portOut.ToString());
            Assert.Equal($"80/tcp -> 0.0.0.0:{port}\n", portOut.StandardOutput);

            var ps = await Docker("ps", "--filter", "name=" + name, "--format", "{{.Ports}}");
            Assert.Equal($"0.0.0.0:{port}->80/tcp\n", ps.StandardOutput);

            var inspect = await Docker("inspect", name);
            using var doc = JsonDocument.Parse(inspect.StandardOutput);
            var net = doc.RootElement[0].GetProperty("NetworkSettings");
            var ip = net.GetProperty("IPAddress").GetString()!;
            Assert.True(Core.Networking.Ipv4Subnet.Parse(fixture.Engine.BridgeIp).Contains(Core.Networking.Ipv4Subnet.FromIp(IPAddress.Parse(ip))), ip);
            Assert.Equal(ip, net.GetProperty("Networks").GetProperty("bridge").GetProperty("IPAddress").GetString());
            Assert.Equal(fixture.Engine.Bridge, net.GetProperty("Bridge").GetString());
        }
        finally
        {
            await Docker("rm", "-f", name);
        }
        // The proxy is gone with the container.
        await Assert.ThrowsAsync<SocketException>(async () =>
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, port);
        });
    }

    [Fact]
    public async Task Run_with_P_publishes_exposed_ports_on_random_host_ports()
    {
        var name = AcceptanceEngine.UniqueName("webp");
        var run = await Docker("run", "-d", "--name", name, "-P", "--expose", "8081", "busybox", "sh", "-c", string.Format(ServeScript, 8081));
        Assert.True(run.ExitCode == 0, run.ToString());
        try
        {
            var portOut = await Docker("port", name, "8081/tcp");
            Assert.True(portOut.ExitCode == 0, portOut.ToString());
            Assert.StartsWith("0.0.0.0:", portOut.StandardOutput);
            var port = int.Parse(portOut.StandardOutput.Trim()["0.0.0.0:".Length..]);
            Assert.Equal("hello-from-httpd\n", await GetAsync(port));
        }
        finally
        {
            await Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task A_host_port_in_use_fails_the_start_with_dockers_error_and_leaves_nothing()
    {
        using var taken = new TcpListener(IPAddress.Any, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var name = AcceptanceEngine.UniqueName("clash");
        var run = await Docker("run", "-d", "--name", name, "-p", $"{port}:80", "busybox", "true");
        try
        {
            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains($"Bind for 0.0.0.0:{port} failed: port is already allocated", run.StandardError);
            var ps = await Docker("ps", "-a", "--filter", "name=" + name, "--format", "{{.Status}}|{{.Ports}}");
            Assert.Equal("Created|\n", ps.StandardOutput);
        }
        finally
        {
            await Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task Links_resolve_the_linked_container_by_alias()
    {
        var db = AcceptanceEngine.UniqueName("db");
        Assert.Equal(0, (await Docker("run", "-d", "--name", db, "-e", "SECRET=s1", "--expose", "5432", "busybox", "sleep", "300")).ExitCode);
        try
        {
            var run = await Docker("run", "--rm", "--link", $"{db}:dbalias", "busybox", "sh", "-c", "echo $DBALIAS_PORT_5432_TCP $DBALIAS_ENV_SECRET; ping -c1 -W5 dbalias >/dev/null && echo reachable");
            Assert.True(run.ExitCode == 0, run.ToString());
            var ip = (await Docker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", db)).StandardOutput.Trim();
            Assert.Equal($"tcp://{ip}:5432 s1\nreachable\n", run.StandardOutput);
        }
        finally
        {
            await Docker("rm", "-f", db);
        }
    }

    [Fact]
    public async Task Engine_stop_removes_bridge_rules_and_veths()
    {
        await using var engine = new EngineProcess();
        await engine.InitializeAsync();
        await AcceptanceEngine.ImportBusyboxAsync(engine);
        var run = await engine.DockerAsync("run", "-d", "-p", "80", "busybox", "sleep", "300");
        Assert.True(run.ExitCode == 0, run.ToString());
        var brif = Directory.GetFileSystemEntries($"/sys/class/net/{engine.Bridge}/brif").Select(Path.GetFileName).ToList();
        Assert.Single(brif);
        Assert.Contains(Core.Networking.Ipv4Subnet.Parse(engine.BridgeIp).NetworkCidr, await IptablesAsync("-t", "nat", "-S"));
        await engine.StopAsync();
        Assert.Equal(0, engine.ExitCode);
        AssertNetworkGone(engine.Bridge, Core.Networking.Ipv4Subnet.Parse(engine.BridgeIp).NetworkCidr);
        Assert.False(Directory.Exists($"/sys/class/net/{brif[0]}"), $"veth {brif[0]} left behind");
    }

    internal static void AssertNetworkGone(string bridge, string subnet)
    {
        Assert.False(Directory.Exists($"/sys/class/net/{bridge}"), $"bridge {bridge} left behind");
        var nat = IptablesAsync("-t", "nat", "-S").GetAwaiter().GetResult();
        Assert.DoesNotContain(subnet, nat);
        var forward = IptablesAsync("-S", "FORWARD").GetAwaiter().GetResult();
        Assert.DoesNotContain($" {bridge} ", forward);
    }

    private static async Task<string> IptablesAsync(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("iptables", ["-w", .. args]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = System.Diagnostics.Process.Start(start)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return output;
    }

    /// <summary>GET / on 127.0.0.1:port, polled until httpd in the container answers (20 s deadline).</summary>
    private static async Task<string> GetAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                return await http.GetStringAsync($"http://127.0.0.1:{port}/index.html");
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
