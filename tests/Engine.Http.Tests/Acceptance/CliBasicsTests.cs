namespace Engine.Http.Tests.Acceptance;

/// <summary>Issue 2, Done when: the Docker CLI, negotiating 1.19 from /_ping, runs the basic commands.</summary>
[Trait("Category", "Root")]
public sealed class CliBasicsTests(AcceptanceEngine fixture) : IClassFixture<AcceptanceEngine>
{
    [Fact]
    public async Task Version_shows_server_api_1_19_and_the_client_downgraded()
    {
        var result = await fixture.DockerAsync("version");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"(?m)^ API version:\s+1\.19 \(downgraded from 1\.\d+\)$", result.StandardOutput);
        Assert.Matches(@"(?m)^Server:", result.StandardOutput);
        Assert.Matches(@"(?m)^  API version:\s+1\.19", result.StandardOutput);
    }

    [Fact]
    public async Task Info_shows_container_and_image_counts()
    {
        var result = await fixture.DockerAsync("info");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"(?m)^ Containers: \d+$", result.StandardOutput);
        Assert.Matches(@"(?m)^ Images: [1-9]\d*$", result.StandardOutput);
        Assert.Contains("Docker Root Dir: " + fixture.Engine.DataRoot, result.StandardOutput);
    }

    [Fact]
    public async Task Import_then_images_lists_the_tags()
    {
        var import = await fixture.DockerAsync("import", fixture.RootFsTar, "imported:v1");
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Matches("^(sha256:)?[0-9a-f]{64}\n$", import.StandardOutput); // v1.19 ids are bare hex

        var images = await fixture.DockerAsync("images");
        Assert.True(images.ExitCode == 0, images.ToString());
        var lines = images.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$", lines[0]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^busybox\s+latest\s+[0-9a-f]{12}\s+"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^imported\s+v1\s+[0-9a-f]{12}\s+"));
    }

    [Fact]
    public async Task Run_rm_echo_prints_hello_on_stdout_only()
    {
        var result = await fixture.DockerAsync("run", "--rm", "busybox", "echo", "hello");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("hello\n", result.StandardOutput);
        Assert.Equal("", result.StandardError);
    }

    [Fact]
    public async Task Run_rm_of_a_missing_command_exits_127_and_leaves_nothing()
    {
        var name = "missing-" + Guid.NewGuid().ToString("N")[..8];
        var result = await fixture.DockerAsync("run", "--rm", "--name", name, "busybox", "nonexistentcmd");
        Assert.Equal(127, result.ExitCode);
        Assert.Contains("exec: \"nonexistentcmd\": executable file not found in $PATH", result.StandardError);
        var all = await fixture.DockerAsync("ps", "-a", "--format", "{{.Names}}");
        Assert.DoesNotContain(name, all.StandardOutput);
    }

    [Fact]
    public async Task Run_rm_exit_3_exits_3()
    {
        var result = await fixture.DockerAsync("run", "--rm", "busybox", "sh", "-c", "exit 3");
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public async Task Run_rm_stderr_goes_to_stderr_only()
    {
        var result = await fixture.DockerAsync("run", "--rm", "busybox", "sh", "-c", "echo err >&2");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.StandardOutput);
        Assert.Equal("err\n", result.StandardError);
    }

    [Fact]
    public async Task Run_interactive_cat_echoes_stdin()
    {
        var result = await fixture.Engine.DockerWithInputAsync("x\n", "run", "-i", "--rm", "busybox", "cat");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("x\n", result.StandardOutput);
        Assert.Equal("", result.StandardError);
    }

    [Fact]
    public async Task Run_without_rm_leaves_an_exited_container_with_its_code()
    {
        var name = AcceptanceEngine.UniqueName("exit5");
        var result = await fixture.DockerAsync("run", "--name", name, "busybox", "sh", "-c", "echo out; exit 5");
        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Equal("out\n", result.StandardOutput);
        var state = (await fixture.InspectAsync(name)).GetProperty("State");
        Assert.Equal("exited", state.GetProperty("Status").GetString());
        Assert.Equal(5, state.GetProperty("ExitCode").GetInt32());
        var rm = await fixture.DockerAsync("rm", name);
        Assert.True(rm.ExitCode == 0, rm.ToString());
    }
}
