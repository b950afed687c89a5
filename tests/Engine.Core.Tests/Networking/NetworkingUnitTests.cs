using Engine.Core.Networking;

namespace Engine.Core.Tests.Networking;

/// <summary>Addressing and link environment: no root needed.</summary>
public sealed class NetworkingUnitTests
{
    [Fact]
    public void Subnet_parses_and_computes_network_broadcast_and_overlap()
    {
        var s = Ipv4Subnet.Parse("172.29.0.1/16");
        Assert.Equal("172.29.0.0/16", s.NetworkCidr);
        Assert.Equal("172.29.255.255", Ipv4Subnet.ToIp(s.Broadcast).ToString());
        Assert.Equal(65534, s.HostCount);
        Assert.True(s.Overlaps(Ipv4Subnet.Parse("172.29.5.1/24")));
        Assert.False(s.Overlaps(Ipv4Subnet.Parse("172.30.0.1/16")));
        Assert.False(Ipv4Subnet.TryParse("172.29.0.1", out _));
        Assert.False(Ipv4Subnet.TryParse("fe80::1/64", out _));
    }

    [Fact]
    public void Random_test_subnet_overlaps_no_host_route()
    {
        var s = Ipv4Subnet.RandomFree24();
        Assert.Equal(24, s.PrefixLength);
        Assert.DoesNotContain(Ipv4Subnet.HostRoutes(), r => r.Overlaps(s));
    }

    [Fact]
    public void Mac_is_dockers_02_42_and_the_address()
    {
        Assert.Equal("02:42:ac:11:00:02", BridgeNetwork.MacFor(Ipv4Subnet.FromIp(System.Net.IPAddress.Parse("172.17.0.2"))));
    }

    [Fact]
    public void Link_environment_is_docker_1_7s()
    {
        var env = LinkEnvironment.Build("web", "db-1", "10.0.0.5", ["5432/tcp", "53/udp"], ["PATH=/bin", "HOME=/root", "SECRET=a=b"]);
        Assert.Equal(
        [
            "DB_1_NAME=/web/db-1",
            "DB_1_PORT=udp://10.0.0.5:53",
            "DB_1_PORT_53_UDP=udp://10.0.0.5:53",
            "DB_1_PORT_53_UDP_ADDR=10.0.0.5",
            "DB_1_PORT_53_UDP_PORT=53",
            "DB_1_PORT_53_UDP_PROTO=udp",
            "DB_1_PORT_5432_TCP=tcp://10.0.0.5:5432",
            "DB_1_PORT_5432_TCP_ADDR=10.0.0.5",
            "DB_1_PORT_5432_TCP_PORT=5432",
            "DB_1_PORT_5432_TCP_PROTO=tcp",
            "DB_1_ENV_SECRET=a=b",
        ], env);
    }

    [Theory]
    [InlineData("80", 80, "tcp")]
    [InlineData("53/udp", 53, "udp")]
    [InlineData("8080/TCP", 8080, "tcp")]
    public void Port_keys_parse(string key, int port, string proto)
    {
        Assert.Equal(new PortSpec(port, proto), PortSpec.Parse(key));
    }
}
