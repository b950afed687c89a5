using Engine.Core.Images;
using Engine.Storage.Errors;
using Engine.Storage.Images;

namespace Engine.Core.Tests.Images;

/// <summary>Commit's config steps: Dockerfile changes, then Docker 1.7's runconfig.Merge with the container's config.</summary>
public sealed class ConfigChangesTests
{
    private static ContainerConfig Container() => new()
    {
        User = "daemon",
        Env = ["PATH=/bin", "A=container"],
        Cmd = ["sh", "-c", "echo hi"],
        WorkingDir = "/work",
        Labels = new() { ["from"] = "container", ["both"] = "container" },
        ExposedPorts = new() { ["80/tcp"] = EmptyObject.Instance },
    };

    [Fact]
    public void No_user_config_gives_the_containers()
    {
        var merged = ConfigChanges.Merge(null, Container());
        Assert.Equal(["sh", "-c", "echo hi"], merged.Cmd);
        Assert.Equal("daemon", merged.User);
    }

    [Fact]
    public void User_values_win_and_lists_are_unions()
    {
        var user = ConfigChanges.Apply(null, ["ENV A=user B=\"two words\"", "LABEL both=user", "EXPOSE 443", "WORKDIR /w"])!;
        var merged = ConfigChanges.Merge(user, Container());
        Assert.Equal(["A=user", "B=two words", "PATH=/bin"], merged.Env);
        Assert.Equal("user", merged.Labels!["both"]);
        Assert.Equal("container", merged.Labels["from"]);
        Assert.Equal(["443/tcp", "80/tcp"], merged.ExposedPorts!.Keys.Order());
        Assert.Equal("/w", merged.WorkingDir);
        Assert.Equal("daemon", merged.User);
        Assert.Equal(["sh", "-c", "echo hi"], merged.Cmd);
    }

    [Fact]
    public void A_user_entrypoint_keeps_the_containers_cmd_out()
    {
        var user = ConfigChanges.Apply(null, ["ENTRYPOINT [\"/bin/app\"]"])!;
        var merged = ConfigChanges.Merge(user, Container());
        Assert.Equal(["/bin/app"], merged.Entrypoint);
        Assert.Null(merged.Cmd);
    }

    [Fact]
    public void Cmd_in_shell_form_runs_through_sh()
    {
        var config = ConfigChanges.Apply(null, ["CMD echo a b"])!;
        Assert.Equal(["/bin/sh", "-c", "echo a b"], config.Cmd);
    }

    [Fact]
    public void Other_instructions_are_refused()
    {
        var e = Assert.Throws<EngineException>(() => ConfigChanges.Apply(null, ["RUN rm -rf /"]));
        Assert.Contains("RUN is not a valid change command", e.Message);
    }
}
