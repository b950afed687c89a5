using System.Net;
using System.Net.Sockets;
using System.Text;
using Engine.Core.Containers;
using Engine.Core.Sandbox;
using Engine.Storage.Errors;
using Engine.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Engine.Core.Tests.Networking;

/// <summary>The default bridge network with the library alone: each sandbox has its own bridge and subnet.</summary>
[Trait("Category", "Root")]
public sealed class BridgeNetworkTests : IAsyncLifetime
{
    private EngineSandbox _sandbox = null!;
    private EngineOptions _options = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await EngineSandbox.StartAsync();
        _options = _sandbox.Services.GetRequiredService<IOptions<EngineOptions>>().Value;
        using var tar = new MemoryStream();
        Busybox.WriteRootFsTar(tar);
        tar.Position = 0;
        await _sandbox.ImportAsync(tar, "busybox:latest");
    }

    public async Task DisposeAsync()
    {
        var bridge = _options.Bridge;
        var subnet = Engine.Core.Networking.Ipv4Subnet.Parse(_options.BridgeIp!).NetworkCidr;
        await _sandbox.DisposeAsync();
        // Everything the engine made is gone: bridge (and with it any veth), NAT and forward rules.
        Assert.False(Directory.Exists($"/sys/class/net/{bridge}"), $"bridge {bridge} left behind");
        Assert.DoesNotContain(subnet, await IptablesAsync("-t", "nat", "-S"));
        Assert.DoesNotContain(" " + bridge + " ", await IptablesAsync("-S", "FORWARD"));
    }

    private string Gateway => Engine.Core.Networking.Ipv4Subnet.Parse(_options.BridgeIp!).Ip.ToString();

    private Task<SandboxContainer> RunBridgedAsync(IReadOnlyList<string> command, Action<Storage.Images.ContainerConfig, HostConfig>? configure = null) =>
        _sandbox.RunAsync("busybox", command, (c, h) =>
        {
            h.NetworkMode = "";
            configure?.Invoke(c, h);
        });

    [Fact]
    public void Bridge_is_up_with_the_configured_subnet()
    {
        Assert.True(Directory.Exists($"/sys/class/net/{_options.Bridge}/bridge"));
        var flags = Convert.ToInt32(File.ReadAllText($"/sys/class/net/{_options.Bridge}/flags").Trim(), 16);
        Assert.Equal(1, flags & 1);
        var onBridge = Engine.Core.Networking.Ipv4Subnet.HostRoutes().Except(Engine.Core.Networking.Ipv4Subnet.HostRoutes(_options.Bridge));
        Assert.Contains(onBridge, r => r.NetworkCidr == Engine.Core.Networking.Ipv4Subnet.Parse(_options.BridgeIp!).NetworkCidr);
    }

    [Fact]
    public async Task Container_has_eth0_with_the_inspected_address_and_reaches_the_gateway()
    {
        using var listener = new TcpListener(IPAddress.Parse(Gateway), 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var box = await RunBridgedAsync(["sh", "-c", $"ip -4 -o addr show eth0; cat /etc/hosts; echo from-container | nc {Gateway} {port}"]);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var client = await listener.AcceptTcpClientAsync(deadline.Token);
        var details = await _sandbox.Engine.Containers.InspectAsync(box.Id);
        var line = await new StreamReader(client.GetStream()).ReadLineAsync(deadline.Token);
        Assert.Equal("from-container", line);
        var peer = ((IPEndPoint)client.Client.RemoteEndPoint!).Address.ToString();
        client.Close();
        var result = await box.WaitAsync(deadline.Token);

        var net = details.NetworkSettings;
        Assert.Equal(_options.Bridge, net.Bridge);
        Assert.Equal(Gateway, net.Gateway);
        Assert.Equal(24, net.IPPrefixLen);
        Assert.StartsWith("02:42:", net.MacAddress);
        Assert.Equal(peer, net.IPAddress);
        Assert.Contains($"inet {net.IPAddress}/24", result.Stdout);
        Assert.Contains($"{net.IPAddress}\t{details.Config.Hostname}\n", result.Stdout);

        // Stopped: the address is released and inspect no longer shows it; the veth is gone.
        var after = await _sandbox.Engine.Containers.InspectAsync(box.Id);
        Assert.Equal("", after.NetworkSettings.IPAddress);
        Assert.Empty(Directory.GetFileSystemEntries($"/sys/class/net/{_options.Bridge}/brif"));
    }

    [Fact]
    public async Task Two_containers_reach_each_other_by_address()
    {
        await using var server = await RunBridgedAsync(["sh", "-c", "mkdir /www && echo hello-peer > /www/index.html && exec httpd -f -p 7000 -h /www"]);
        var ip = (await _sandbox.Engine.Containers.InspectAsync(server.Id)).NetworkSettings.IPAddress;
        Assert.NotEqual("", ip);
        // The client retries until the server's httpd listens (bounded: 100 tries).
        await using var client = await RunBridgedAsync(["sh", "-c", $"for i in $(seq 100); do wget -qO- http://{ip}:7000/index.html && exit 0; usleep 100000; done; exit 1"]);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clientResult = await client.WaitAsync(deadline.Token);
        Assert.True(clientResult.ExitCode == 0, clientResult.Stderr);
        Assert.Equal("hello-peer\n", clientResult.Stdout);
    }

    [Fact]
    public async Task Links_give_hosts_entries_and_dockers_environment()
    {
        await using var db = await RunBridgedAsync(["sleep", "300"], (c, _) =>
        {
            c.Env = ["SECRET=s1"];
            c.ExposedPorts = new() { ["5432/tcp"] = new() };
        });
        var dbDetails = await _sandbox.Engine.Containers.InspectAsync(db.Id);
        var ip = dbDetails.NetworkSettings.IPAddress;
        var dbName = dbDetails.Name.TrimStart('/');
        await using var web = await RunBridgedAsync(["sh", "-c", "env; cat /etc/hosts"], (_, h) => h.Links = [$"{dbName}:dbalias"]);
        var result = await web.WaitAsync();
        var webName = (await _sandbox.Engine.Containers.InspectAsync(web.Id)).Name;
        Assert.Contains($"{ip}\tdbalias {dbName}\n", result.Stdout);
        Assert.Contains($"DBALIAS_PORT_5432_TCP=tcp://{ip}:5432\n", result.Stdout);
        Assert.Contains($"DBALIAS_PORT_5432_TCP_ADDR={ip}\n", result.Stdout);
        Assert.Contains("DBALIAS_PORT_5432_TCP_PORT=5432\n", result.Stdout);
        Assert.Contains("DBALIAS_PORT_5432_TCP_PROTO=tcp\n", result.Stdout);
        Assert.Contains($"DBALIAS_NAME={webName}/dbalias\n", result.Stdout);
        Assert.Contains("DBALIAS_ENV_SECRET=s1\n", result.Stdout);
    }

    [Fact]
    public async Task Link_to_a_stopped_container_fails_with_dockers_error()
    {
        await using var db = await RunBridgedAsync(["true"]);
        await db.WaitAsync();
        var dbName = (await _sandbox.Engine.Containers.InspectAsync(db.Id)).Name;
        var e = await Assert.ThrowsAsync<EngineException>(() => RunBridgedAsync(["true"], (_, h) => h.Links = [$"{dbName}:db"]));
        Assert.StartsWith($"Cannot link to a non running container: {dbName} AS /", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries($"/sys/class/net/{_options.Bridge}/brif"));
    }

    [Fact]
    public async Task Container_network_mode_shares_the_other_containers_namespace_and_hostname()
    {
        await using var first = await RunBridgedAsync(["sleep", "300"]);
        var details = await _sandbox.Engine.Containers.InspectAsync(first.Id);
        await using var second = await _sandbox.RunAsync("busybox", ["sh", "-c", "ip -4 -o addr show eth0; hostname"], (_, h) => h.NetworkMode = "container:" + first.Id);
        var result = await second.WaitAsync();
        Assert.Contains($"inet {details.NetworkSettings.IPAddress}/24", result.Stdout);
        Assert.EndsWith(details.Config.Hostname + "\n", result.Stdout);
    }

    [Fact]
    public async Task Published_port_forwards_to_the_container_and_a_taken_port_fails_the_start()
    {
        await using var server = await RunBridgedAsync(["sh", "-c", "echo served-by-container | nc -l -p 80; exec sleep 300"], (_, h) =>
            h.PortBindings = new() { ["80/tcp"] = [new PortBinding { HostIp = "127.0.0.1", HostPort = "" }] });
        var details = await _sandbox.Engine.Containers.InspectAsync(server.Id);
        var binding = Assert.Single(details.NetworkSettings.Ports!["80/tcp"]!);
        Assert.Equal("127.0.0.1", binding.HostIp);
        var port = int.Parse(binding.HostPort);
        var list = await _sandbox.Engine.Containers.ListAsync(new ListContainersOptions());
        Assert.Contains(new PortInfo("127.0.0.1", 80, port, "tcp"), list.Single(c => c.Id == server.Id).Ports);

        // The container's nc may not listen yet: the proxy then closes at once; poll until the reply comes.
        var text = await PollAsync(async () =>
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, port);
            return await new StreamReader(tcp.GetStream(), Encoding.ASCII).ReadLineAsync();
        }, TimeSpan.FromSeconds(20));
        Assert.Equal("served-by-container", text);

        var e = await Assert.ThrowsAsync<EngineException>(() => RunBridgedAsync(["true"], (_, h) =>
            h.PortBindings = new() { ["80/tcp"] = [new PortBinding { HostIp = "127.0.0.1", HostPort = port.ToString() }] }));
        Assert.Equal($"Bind for 127.0.0.1:{port} failed: port is already allocated", e.Message);
    }

    private static async Task<T> PollAsync<T>(Func<Task<T?>> probe, TimeSpan within) where T : class
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("no answer within " + within);
            }
            await Task.Delay(50);
        }
    }

    private static async Task<string> IptablesAsync(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("iptables", ["-w", .. args]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = System.Diagnostics.Process.Start(start)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return output;
    }
}
