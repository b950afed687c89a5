using System.Text.RegularExpressions;

namespace Engine.Http.Tests.Registry;

/// <summary>docker push / pull / login / search against a real registry (Debian's docker-registry) on loopback, with the real CLI.</summary>
[Trait("Category", "Root")]
public sealed partial class RegistryCliTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    [GeneratedRegex("sha256:[0-9a-f]{64}")]
    private static partial Regex DigestRegex();

    private Task<DockerCliResult> OkAsync(params string[] args) => fixture.Images.OkAsync(args);

    private DockerCliResult Check(DockerCliResult r) => fixture.Images.Check(r);

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Tags busybox as HOST/test/NAME:1 and pushes it; returns the reference and the pushed manifest digest.</summary>
    private async Task<(string Reference, string Digest)> PushBusyboxAsync(string name)
    {
        var reference = $"{fixture.Open.Host}/test/{name}:1";
        await OkAsync("tag", "busybox", reference);
        var push = await OkAsync("push", reference);
        Assert.Contains($"The push refers to repository [{fixture.Open.Host}/test/{name}]", push.StandardOutput);
        Assert.Matches(@"1: digest: sha256:[0-9a-f]{64} size: \d+", push.StandardOutput);
        return (reference, DigestRegex().Match(push.StandardOutput).Value);
    }

    [RegistryFact]
    public async Task Push_then_pull_into_this_and_a_fresh_engine_and_run()
    {
        var (reference, digest) = await PushBusyboxAsync(Unique("busybox"));
        var repo = reference[..reference.LastIndexOf(':')];
        var digests = await OkAsync("inspect", "-f", "{{json .RepoDigests}}", reference);
        Assert.Contains($"\"{repo}@{digest}\"", digests.StandardOutput);

        await OkAsync("rmi", reference);
        Assert.NotEqual(0, (await fixture.Images.Engine.DockerAsync("inspect", reference)).ExitCode);
        var pull = await OkAsync("pull", reference);
        Assert.Contains($"Digest: {digest}", pull.StandardOutput);
        Assert.Equal("hi\n", (await OkAsync("run", "--rm", reference, "echo", "hi")).StandardOutput);

        // A fresh engine has none of the layers: everything is downloaded, verified and applied.
        await using var fresh = new EngineProcess();
        await fresh.InitializeAsync();
        var freshPull = Check(await fresh.DockerAsync("pull", reference));
        Assert.Contains("Pull complete", freshPull.StandardOutput);
        Assert.Contains($"Status: Downloaded newer image for {reference}", freshPull.StandardOutput);
        Assert.Equal("hi\n", Check(await fresh.DockerAsync("run", "--rm", reference, "echo", "hi")).StandardOutput);
        var list = Check(await fresh.DockerAsync("images", "--digests", "--format", "{{.Repository}} {{.Tag}} {{.Digest}}"));
        Assert.Contains($"{repo} 1 {digest}", list.StandardOutput);
        var ids = (await OkAsync("inspect", "-f", "{{.Id}}", reference)).StandardOutput;
        Assert.Equal(ids, Check(await fresh.DockerAsync("inspect", "-f", "{{.Id}}", reference)).StandardOutput);
    }

    [RegistryFact]
    public async Task Pull_of_a_missing_tag_fails_clearly_and_creates_nothing()
    {
        var (reference, _) = await PushBusyboxAsync(Unique("missing"));
        var repo = reference[..reference.LastIndexOf(':')];
        var before = (await OkAsync("images", "-a", "-q", "--no-trunc")).StandardOutput;
        var pull = await fixture.Images.Engine.DockerAsync("pull", repo + ":nope");
        Assert.NotEqual(0, pull.ExitCode);
        Assert.Contains($"manifest for {repo}:nope not found", pull.StandardError);
        Assert.Equal(before, (await OkAsync("images", "-a", "-q", "--no-trunc")).StandardOutput);
        Assert.NotEqual(0, (await fixture.Images.Engine.DockerAsync("inspect", repo + ":nope")).ExitCode);

        var unknownRepo = await fixture.Images.Engine.DockerAsync("pull", $"{fixture.Open.Host}/test/{Unique("none")}:1");
        Assert.NotEqual(0, unknownRepo.ExitCode);
        Assert.Contains("not found", unknownRepo.StandardError);
    }

    [RegistryFact]
    public async Task Pull_by_digest_runs_and_records_the_digest()
    {
        var (reference, digest) = await PushBusyboxAsync(Unique("bydigest"));
        var repo = reference[..reference.LastIndexOf(':')];
        await using var fresh = new EngineProcess();
        await fresh.InitializeAsync();
        var pull = Check(await fresh.DockerAsync("pull", $"{repo}@{digest}"));
        Assert.Contains($"Digest: {digest}", pull.StandardOutput);
        Assert.Equal("ok\n", Check(await fresh.DockerAsync("run", "--rm", $"{repo}@{digest}", "echo", "ok")).StandardOutput);
        var inspect = Check(await fresh.DockerAsync("inspect", "-f", "{{json .RepoDigests}} {{json .RepoTags}}", $"{repo}@{digest}"));
        Assert.Equal($"[\"{repo}@{digest}\"] []\n", inspect.StandardOutput);
    }

    [RegistryFact]
    public async Task Second_pull_downloads_only_the_layers_it_lacks()
    {
        var name = Unique("dedupe");
        var (baseRef, _) = await PushBusyboxAsync(name + "-base");
        var container = Unique("c");
        await OkAsync("run", "--name", container, "busybox", "sh", "-c", "echo layered > /layered");
        var topRepo = $"{fixture.Open.Host}/test/{name}-top";
        await OkAsync("commit", container, topRepo + ":1");
        await OkAsync("rm", container);
        var push = await OkAsync("push", topRepo + ":1");
        Assert.Contains("Pushed", push.StandardOutput);

        await using var fresh = new EngineProcess();
        await fresh.InitializeAsync();
        Check(await fresh.DockerAsync("pull", baseRef));
        var before = await fixture.Open.CountBlobGetsAsync($"test/{name}-top");
        Assert.Equal(0, before);
        var pull = Check(await fresh.DockerAsync("pull", topRepo + ":1"));
        Assert.Single(Regex.Matches(pull.StandardOutput, "Already exists"));
        Assert.Single(Regex.Matches(pull.StandardOutput, "Pull complete"));
        // The config and the one new layer; the base layer is not fetched again.
        Assert.Equal(2, await fixture.Open.CountBlobGetsAsync($"test/{name}-top"));
        Assert.Equal("layered\n", Check(await fresh.DockerAsync("run", "--rm", topRepo + ":1", "cat", "/layered")).StandardOutput);
    }

    [RegistryFact]
    public async Task Login_with_basic_auth_then_push_and_pull()
    {
        var host = fixture.Private.Host;
        var wrong = await fixture.Images.Engine.DockerAsync("login", host, "-u", RegistryFixture.User, "-p", "not-the-password");
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("401", wrong.StandardError);

        var login = await fixture.Images.Engine.DockerWithInputAsync(RegistryFixture.Password, "login", host, "-u", RegistryFixture.User, "--password-stdin");
        Check(login);
        Assert.Contains("Login Succeeded", login.StandardOutput);
        try
        {
            var reference = $"{host}/private/{Unique("bb")}:1";
            await OkAsync("tag", "busybox", reference);
            await OkAsync("push", reference);
            await OkAsync("rmi", reference);
            await OkAsync("pull", reference);
        }
        finally
        {
            await OkAsync("logout", host);
        }
        var anonymous = await fixture.Images.Engine.DockerAsync("pull", $"{host}/private/whatever:1");
        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.Contains("no basic auth credentials", anonymous.StandardError);
    }

    [RegistryFact]
    public async Task Search_lists_the_catalog_of_a_named_registry()
    {
        var name = Unique("searchme");
        await PushBusyboxAsync(name);
        var search = await OkAsync("search", $"{fixture.Open.Host}/{name[..10]}");
        Assert.Contains($"{fixture.Open.Host}/test/{name}", search.StandardOutput);

        var index = await fixture.Images.Engine.DockerAsync("search", "busybox");
        Assert.NotEqual(0, index.ExitCode);
        Assert.Contains("HOST[:PORT]/TEXT", index.StandardError);
    }

    [RegistryFact]
    public async Task Default_registry_fails_quickly_with_a_clear_error()
    {
        var started = DateTime.UtcNow;
        var pull = await fixture.Images.Engine.DockerAsync("pull", "no-such-image-here:1");
        Assert.NotEqual(0, pull.ExitCode);
        // Here (no internet) the registry cannot be reached; where it can, the image does not exist.
        Assert.True(pull.StandardError.Contains("registry docker.io cannot be reached", StringComparison.Ordinal)
            || pull.StandardError.Contains("pull access denied", StringComparison.Ordinal), pull.ToString());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(60), "the pull should give up quickly");
    }
}
