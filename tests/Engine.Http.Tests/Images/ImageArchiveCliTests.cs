namespace Engine.Http.Tests.Images;

/// <summary>docker load of the four fixture archives, docker save, and a load on a fresh data root, with the real CLI.</summary>
[Trait("Category", "Root")]
public sealed class ImageArchiveCliTests(ImageEngineFixture fixture) : IClassFixture<ImageEngineFixture>
{
    [ImageFixtureTheory]
    [InlineData("whiteouts-docker-save.tar")]
    [InlineData("whiteouts-legacy-v1.tar")]
    [InlineData("whiteouts-oci-gzip.tar")]
    [InlineData("whiteouts-oci-zstd.tar")]
    public async Task Load_fixture_then_run_shows_the_applied_layers(string file)
    {
        var load = await fixture.OkAsync("load", "-i", ImageFixtures.Archive(file));
        Assert.Contains("Loaded image: fixture/whiteouts:1", load.StandardOutput);

        var run = await fixture.OkAsync("run", "--rm", "fixture/whiteouts:1");
        Assert.Equal(ImageFixtures.WhiteoutsOutput, run.StandardOutput);

        var files = await fixture.OkAsync("run", "--rm", "fixture/whiteouts:1", "sh", "-c",
            "stat -c %a /data/keep/a; cat /data/hard; readlink /data/link; test -e /data/gone || echo nogone; test -e /etc/deleteme || echo nodel; test -d /emptydir && echo empty; find / -xdev -name '.wh.*' | wc -l");
        Assert.Equal("4755\none\n/data/keep/a\nnogone\nnodel\nempty\n0\n", files.StandardOutput);

        var inspect = await fixture.OkAsync("inspect", "-f", "{{json .Config.Env}} {{index .Config.Labels \"org.example.fixture\"}}", "fixture/whiteouts:1");
        Assert.Contains("\"FIXTURE=whiteouts\"", inspect.StandardOutput);
        Assert.EndsWith(" whiteouts\n", inspect.StandardOutput);
    }

    [ImageFixtureFact]
    public async Task Save_then_load_on_a_fresh_data_root_runs()
    {
        await fixture.OkAsync("load", "-i", ImageFixtures.Archive("whiteouts-docker-save.tar"));
        var saved = Path.Combine(fixture.Engine.Root, "saved-" + Guid.NewGuid().ToString("N")[..8] + ".tar");
        await fixture.OkAsync("save", "-o", saved, "fixture/whiteouts:1");
        var id = (await fixture.OkAsync("inspect", "-f", "{{.Id}}", "fixture/whiteouts:1")).StandardOutput.Trim();

        await using var fresh = new EngineProcess();
        await fresh.InitializeAsync();
        var load = fixture.Check(await fresh.DockerAsync("load", "-i", saved));
        Assert.Contains("Loaded image: fixture/whiteouts:1", load.StandardOutput);
        var run = fixture.Check(await fresh.DockerAsync("run", "--rm", "fixture/whiteouts:1"));
        Assert.Equal(ImageFixtures.WhiteoutsOutput, run.StandardOutput);
        var freshId = fixture.Check(await fresh.DockerAsync("inspect", "-f", "{{.Id}}", "fixture/whiteouts:1")).StandardOutput.Trim();
        Assert.Equal(id, freshId);
    }

    [Fact]
    public async Task Save_streams_several_images_and_load_reads_them_back()
    {
        var tag = "saved/many:" + Guid.NewGuid().ToString("N")[..8];
        await fixture.OkAsync("tag", "busybox", tag);
        var saved = Path.Combine(fixture.Engine.Root, "many-" + Guid.NewGuid().ToString("N")[..8] + ".tar");
        await fixture.OkAsync("save", "-o", saved, "busybox", tag);
        await fixture.OkAsync("rmi", tag);
        var load = await fixture.OkAsync("load", "-i", saved);
        Assert.Contains($"Loaded image: {tag}", load.StandardOutput);
        Assert.Contains("Loaded image: busybox:latest", load.StandardOutput);
        var run = await fixture.OkAsync("run", "--rm", tag, "echo", "back");
        Assert.Equal("back\n", run.StandardOutput);
    }

    [Fact]
    public async Task Save_of_an_unknown_image_fails_with_docker_message()
    {
        var result = await fixture.Engine.DockerAsync("save", "-o", Path.Combine(fixture.Engine.Root, "none.tar"), "no/such:image");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("No such image: no/such:image", result.StandardError);
    }
}
