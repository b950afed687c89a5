using System.Net;
using System.Text;

namespace Engine.Http.Tests.Acceptance;

/// <summary>Issue 2, Done when: bad input gets a clear error and changes nothing.</summary>
[Trait("Category", "Root")]
public sealed class BadInputTests(AcceptanceEngine fixture) : IClassFixture<AcceptanceEngine>
{
    private async Task<(HttpStatusCode Status, string Body)> CreateAsync(string json, string? name = null)
    {
        using var client = fixture.Engine.CreateHttpClient();
        var path = "/v1.19/containers/create" + (name is null ? "" : "?name=" + Uri.EscapeDataString(name));
        using var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unknown_image_is_404_and_the_cli_fails()
    {
        var before = await fixture.CountContainersAsync();
        var (status, body) = await CreateAsync("""{"Image":"nosuch"}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("nosuch", body);

        var run = await fixture.DockerAsync("run", "--rm", "nosuch");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("nosuch", run.StandardError);
        Assert.Equal(before, await fixture.CountContainersAsync());
    }

    [Fact]
    public async Task Duplicate_name_is_409_and_the_first_container_stays()
    {
        var name = AcceptanceEngine.UniqueName("dup");
        var (first, firstBody) = await CreateAsync("""{"Image":"busybox","Cmd":["true"]}""", name);
        Assert.True(first == HttpStatusCode.Created, firstBody);
        var id = System.Text.Json.JsonDocument.Parse(firstBody).RootElement.GetProperty("Id").GetString();
        var count = await fixture.CountContainersAsync();

        var (second, secondBody) = await CreateAsync("""{"Image":"busybox","Cmd":["false"]}""", name);
        Assert.Equal(HttpStatusCode.Conflict, second);
        Assert.Contains(name, secondBody);
        var cli = await fixture.DockerAsync("create", "--name", name, "busybox", "true");
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("Conflict", cli.StandardError);

        Assert.Equal(count, await fixture.CountContainersAsync());
        Assert.Equal(id, (await fixture.InspectAsync(name)).GetProperty("Id").GetString());
        Assert.Equal(0, (await fixture.DockerAsync("rm", name)).ExitCode);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("-lead")]
    [InlineData("sp ace")]
    public async Task Invalid_name_is_rejected_and_nothing_is_created(string name)
    {
        var before = await fixture.CountContainersAsync();
        var (status, body) = await CreateAsync("""{"Image":"busybox"}""", name);
        Assert.True((int)status is >= 400 and < 500, $"{(int)status} {body}");
        Assert.Contains("name", body, StringComparison.OrdinalIgnoreCase);
        var cli = await fixture.DockerAsync("create", "--name", name, "busybox", "true");
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Equal(before, await fixture.CountContainersAsync());
    }

    [Theory]
    [InlineData("{\"Image\":")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"Image\":\"busybox\",\"Cmd\":[\"true\"]")]
    [InlineData("{\"Image\":42}")]
    [InlineData("{\"Image\":\"busybox\",\"Cmd\":\"true\",}")]
    [InlineData("{\"Image\":\"busybox\" /* comment */}")]
    public async Task Malformed_json_is_an_error_and_creates_nothing(string json)
    {
        var before = await fixture.CountContainersAsync();
        var (status, body) = await CreateAsync(json);
        Assert.True((int)status is >= 400 and < 600, $"{(int)status} {body}");
        Assert.NotEqual("", body.Trim());
        Assert.Equal(before, await fixture.CountContainersAsync());
    }

    [Fact]
    public async Task Removing_a_running_container_without_force_is_409_and_it_keeps_running()
    {
        var name = AcceptanceEngine.UniqueName("busy");
        var run = await fixture.DockerAsync("run", "-d", "--name", name, "busybox", "sleep", "300");
        Assert.True(run.ExitCode == 0, run.ToString());
        var pid = (await fixture.WaitForStatusAsync(name, "running")).GetProperty("State").GetProperty("Pid").GetInt32();

        var cli = await fixture.DockerAsync("rm", name);
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("You cannot remove a running container", cli.StandardError);

        using (var client = fixture.Engine.CreateHttpClient())
        {
            using var response = await client.DeleteAsync($"/v1.19/containers/{name}");
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        }

        var state = (await fixture.InspectAsync(name)).GetProperty("State");
        Assert.True(state.GetProperty("Running").GetBoolean());
        Assert.Equal(pid, state.GetProperty("Pid").GetInt32());
        Assert.True(Directory.Exists($"/proc/{pid}"));
        Assert.Equal(0, (await fixture.DockerAsync("rm", "-f", name)).ExitCode);
    }

    [Fact]
    public async Task Unknown_container_is_404_for_every_verb()
    {
        using var client = fixture.Engine.CreateHttpClient();
        foreach (var (method, path) in new[]
                 {
                     (HttpMethod.Get, "/v1.19/containers/nosuch/json"),
                     (HttpMethod.Post, "/v1.19/containers/nosuch/start"),
                     (HttpMethod.Post, "/v1.19/containers/nosuch/stop"),
                     (HttpMethod.Post, "/v1.19/containers/nosuch/kill"),
                     (HttpMethod.Post, "/v1.19/containers/nosuch/wait"),
                     (HttpMethod.Delete, "/v1.19/containers/nosuch"),
                     (HttpMethod.Get, "/v1.19/containers/nosuch/logs?stdout=1"),
                 })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(method, path));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode}");
            Assert.Equal("No such container: nosuch\n", await response.Content.ReadAsStringAsync());
        }
    }
}
