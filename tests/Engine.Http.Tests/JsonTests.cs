using System.Text;
using System.Text.Json;
using Engine.Http.Errors;
using Engine.Http.Json;

namespace Engine.Http.Tests;

public class JsonTests
{
    private static (Engine.Storage.Images.ContainerConfig, Engine.Core.Containers.HostConfig?) Create(string json)
        => RequestBodies.ReadCreate(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Cmd_and_entrypoint_as_string_or_array()
    {
        var (a, _) = Create("""{"Image":"busybox","Cmd":"date","Entrypoint":["/bin/sh","-c"]}""");
        Assert.Equal(["date"], a.Cmd);
        Assert.Equal(["/bin/sh", "-c"], a.Entrypoint);
        var (b, _) = Create("""{"Image":"busybox","Cmd":["echo","hi"],"Entrypoint":""}""");
        Assert.Equal(["echo", "hi"], b.Cmd);
        Assert.Null(b.Entrypoint);
        var (c, _) = Create("""{"Image":"busybox","Cmd":null,"Env":null,"Entrypoint":null}""");
        Assert.Null(c.Cmd);
        Assert.Null(c.Env);
    }

    [Fact]
    public void Create_body_is_case_insensitive_and_ignores_unknown_fields()
    {
        var (config, host) = Create("""{"image":"busybox","TTY":true,"openstdin":true,"Unknown":{"x":1},"hostconfig":{"networkmode":"none","Binds":["/a:/b"],"LxcConf":{"lxc.utsname":"docker"}}}""");
        Assert.Equal("busybox", config.Image);
        Assert.True(config.Tty);
        Assert.True(config.OpenStdin);
        Assert.NotNull(host);
        Assert.Equal("none", host!.NetworkMode);
        Assert.Equal(["/a:/b"], host.Binds);
        Assert.Equal(["lxc.utsname=docker"], host.LxcConf);
    }

    [Fact]
    public void HostConfig_is_optional_and_nulls_get_defaults()
    {
        var (_, none) = Create("""{"Image":"busybox"}""");
        Assert.Null(none);
        var (_, host) = Create("""{"Image":"busybox","HostConfig":{"RestartPolicy":null,"LogConfig":null,"NetworkMode":null}}""");
        Assert.NotNull(host!.RestartPolicy);
        Assert.Equal("json-file", host.LogConfig.Type);
        Assert.Equal("", host.NetworkMode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{\"Image\":")]
    [InlineData("[1,2]")]
    public void Malformed_create_body_is_bad_input(string json)
        => Assert.Throws<BadHttpInputException>(() => Create(json));

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{}")]
    public void Start_without_host_config(string json)
        => Assert.Null(RequestBodies.ReadStartHostConfig(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Start_with_host_config()
        => Assert.True(RequestBodies.ReadStartHostConfig("""{"Privileged":true}"""u8)!.Privileged);

    [Fact]
    public void Times_are_rfc3339nano_utc()
    {
        Assert.Equal("0001-01-01T00:00:00Z", DockerFormat.Rfc3339Nano(default));
        var t = new DateTimeOffset(2015, 1, 6, 15, 47, 31, TimeSpan.Zero).AddTicks(4853313);
        Assert.Equal("2015-01-06T15:47:31.4853313Z", DockerFormat.Rfc3339Nano(t));
        Assert.Equal("2015-01-06T15:47:31.485331300Z", DockerFormat.Rfc3339NanoFixed(t));
        Assert.Equal("2015-01-06T15:47:31Z", DockerFormat.Rfc3339Nano(new DateTimeOffset(2015, 1, 6, 17, 47, 31, TimeSpan.FromHours(2))));
    }

    [Fact]
    public void Image_ids_by_version()
    {
        var id = "sha256:" + new string('a', 64);
        Assert.Equal(new string('a', 64), DockerFormat.ImageId(id, new Routing.ApiVersion(1, 19)));
        Assert.Equal(id, DockerFormat.ImageId(id, new Routing.ApiVersion(1, 41)));
        Assert.Equal(id, DockerFormat.ImageId(id, null));
    }

    [Fact]
    public void Inspect_writes_docker_names()
    {
        var details = new Engine.Core.Containers.ContainerDetails
        {
            Id = "abc",
            Name = "/x",
            Config = new Engine.Storage.Images.ContainerConfig { Image = "busybox" },
            HostConfig = new Engine.Core.Containers.HostConfig { NetworkMode = "none" },
            State = new Engine.Core.Containers.ContainerStateInfo { Status = "running", Running = true },
        };
        var json = JsonSerializer.Serialize(Handlers.ContainerHandlers.ToInspect(details, null), EngineJsonContext.Default.ContainerInspectResponse);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("running", doc.RootElement.GetProperty("State").GetProperty("Status").GetString());
        Assert.Equal(JsonValueKind.Object, doc.RootElement.GetProperty("NetworkSettings").GetProperty("Networks").ValueKind);
        Assert.Empty(doc.RootElement.GetProperty("NetworkSettings").GetProperty("Networks").EnumerateObject());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("Config").GetProperty("Entrypoint").ValueKind);
        var bridge = Handlers.ContainerHandlers.Networks("default", null);
        Assert.True(bridge.ContainsKey("bridge"));
    }
}
