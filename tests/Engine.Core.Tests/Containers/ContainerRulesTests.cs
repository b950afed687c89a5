using Engine.Core.Containers;
using Engine.Storage.Errors;
using Engine.Storage.Images;

namespace Engine.Core.Tests.Containers;

public sealed class ContainerRulesTests
{
    [Theory]
    [InlineData(0.4, "Less than a second")]
    [InlineData(1, "1 second")]
    [InlineData(59, "59 seconds")]
    [InlineData(60, "About a minute")]
    [InlineData(150, "2 minutes")]
    [InlineData(3600, "About an hour")]
    [InlineData(5 * 3600, "5 hours")]
    [InlineData(3 * 86400, "3 days")]
    [InlineData(21 * 86400, "3 weeks")]
    public void Human_durations_read_as_Dockers(double seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData("KILL", 9)]
    [InlineData("SIGTERM", 15)]
    [InlineData("sigusr1", 10)]
    [InlineData("9", 9)]
    [InlineData("RTMIN+2", 36)]
    [InlineData(null, 15)]
    public void Signals_parse_by_name_and_number(string? value, int expected) =>
        Assert.Equal(expected, Signals.Parse(value, 15));

    [Theory]
    [InlineData("NOPE")]
    [InlineData("0")]
    [InlineData("65")]
    public void Unknown_signals_are_invalid(string value)
    {
        var e = Assert.Throws<EngineException>(() => Signals.Parse(value, 15));
        Assert.Equal(ErrorKind.InvalidParameter, e.Kind);
        Assert.Equal($"Invalid signal: {value}", e.Message);
    }

    [Fact]
    public void Image_config_merges_as_Docker_does()
    {
        var image = new ContainerConfig
        {
            Env = ["PATH=/img", "A=1"],
            Cmd = ["/bin/sh", "-c", "default"],
            WorkingDir = "/work",
            User = "app",
            Labels = new() { ["from"] = "image", ["both"] = "image" },
        };
        var config = new ContainerConfig { Env = ["A=2", "B=3"], Labels = new() { ["both"] = "container" } };
        ContainerManager.MergeImageConfig(config, image);
        Assert.Equal(["PATH=/img", "A=2", "B=3"], config.Env);
        Assert.Equal(["/bin/sh", "-c", "default"], config.Cmd);
        Assert.Equal("/work", config.WorkingDir);
        Assert.Equal("app", config.User);
        Assert.Equal("container", config.Labels!["both"]);
        Assert.Equal("image", config.Labels["from"]);
    }

    [Fact]
    public void An_entrypoint_given_at_create_drops_the_images_cmd()
    {
        var image = new ContainerConfig { Cmd = ["default"], Entrypoint = ["/img-entry"] };
        var config = new ContainerConfig { Entrypoint = ["/bin/echo"] };
        ContainerManager.MergeImageConfig(config, image);
        Assert.Equal(["/bin/echo"], config.Entrypoint);
        Assert.Null(config.Cmd);
        Assert.Equal(["/bin/echo"], ContainerManager.Argv(config));
    }

    [Fact]
    public void A_cmd_given_at_create_keeps_the_images_entrypoint()
    {
        var image = new ContainerConfig { Cmd = ["default"], Entrypoint = ["/entry"] };
        var config = new ContainerConfig { Cmd = ["mine"] };
        ContainerManager.MergeImageConfig(config, image);
        Assert.Equal(["/entry", "mine"], ContainerManager.Argv(config));
    }
}
