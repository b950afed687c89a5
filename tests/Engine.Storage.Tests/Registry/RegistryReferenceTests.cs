using Engine.Storage.Errors;
using Engine.Storage.Registry;

namespace Engine.Storage.Tests.Registry;

public sealed class RegistryReferenceTests
{
    [Theory]
    [InlineData("busybox", "docker.io", "library/busybox", "busybox", null, "https://registry-1.docker.io/")]
    [InlineData("user/app:2", "docker.io", "user/app", "user/app", "2", "https://registry-1.docker.io/")]
    [InlineData("localhost:5000/repo:tag", "localhost:5000", "repo", "localhost:5000/repo", "tag", "http://localhost:5000/")]
    [InlineData("127.0.0.1:5000/x", "127.0.0.1:5000", "x", "127.0.0.1:5000/x", null, "http://127.0.0.1:5000/")]
    [InlineData("127.3.2.1:5000/a/b:c", "127.3.2.1:5000", "a/b", "127.3.2.1:5000/a/b", "c", "http://127.3.2.1:5000/")]
    [InlineData("registry.example.com/team/app:v1", "registry.example.com", "team/app", "registry.example.com/team/app", "v1", "https://registry.example.com/")]
    [InlineData("localhost/app", "localhost", "app", "localhost/app", null, "http://localhost/")]
    public void Parses_as_docker_addresses_registries(string input, string domain, string remote, string repository, string? tag, string baseUri)
    {
        var r = RegistryReference.Parse(input);
        Assert.Equal(domain, r.Domain);
        Assert.Equal(remote, r.RemoteName);
        Assert.Equal(repository, r.Repository);
        Assert.Equal(tag, r.Tag);
        Assert.Equal(baseUri, r.BaseUri.ToString());
    }

    [Fact]
    public void A_digest_comes_in_the_name_or_as_the_tag_parameter()
    {
        var digest = "sha256:" + new string('a', 64);
        Assert.Equal(digest, RegistryReference.Parse("h:1/x@" + digest).Digest);
        var fromTag = RegistryReference.Parse("h:1/x", digest);
        Assert.Equal(digest, fromTag.Digest);
        Assert.Equal(digest, fromTag.ManifestReference);
        Assert.Equal("h:1/x@" + digest, fromTag.ToString());
        Assert.Throws<EngineException>(() => RegistryReference.Parse("h:1/x@sha256:123"));
        Assert.Throws<EngineException>(() => RegistryReference.Parse("h:1/UPPER"));
    }

    [Fact]
    public void Bearer_challenge_parameters_are_parsed_with_quotes_and_escapes()
    {
        var p = RegistrySession.ParseChallenge("realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a/b:pull\", error=insufficient_scope");
        Assert.Equal("https://auth.example/token", p["realm"]);
        Assert.Equal("registry.example", p["service"]);
        Assert.Equal("repository:a/b:pull", p["scope"]);
        Assert.Equal("insufficient_scope", p["error"]);
    }

    [Theory]
    [InlineData(null, "docker.io")]
    [InlineData("https://index.docker.io/v1/", "docker.io")]
    [InlineData("localhost:5000", "localhost:5000")]
    [InlineData("http://127.0.0.1:5000/", "127.0.0.1:5000")]
    public void Login_server_addresses_name_a_registry(string? address, string domain) =>
        Assert.Equal(domain, ImageRegistry.LoginDomain(address));
}
