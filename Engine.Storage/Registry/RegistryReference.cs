using System.Net;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Engine.Storage.Layers;

namespace Engine.Storage.Registry;

/// <summary>
/// An image reference split the way Docker addresses registries: "busybox" is docker.io/library/busybox,
/// "localhost:5000/a/b:1" is repository a/b on localhost:5000. The first component is a registry host when it
/// contains '.' or ':' or is "localhost".
/// </summary>
public sealed record RegistryReference
{
    public const string DefaultDomain = "docker.io";

    /// <summary>"docker.io", "localhost:5000", "127.0.0.1:5000".</summary>
    public required string Domain { get; init; }

    /// <summary>The repository on the registry: "library/busybox", "test/busybox".</summary>
    public required string RemoteName { get; init; }

    /// <summary>The familiar local name: "busybox", "127.0.0.1:5000/test/busybox".</summary>
    public required string Repository { get; init; }

    public string? Tag { get; init; }

    /// <summary>"sha256:hex" when the reference pins a manifest digest.</summary>
    public string? Digest { get; init; }

    /// <summary>The tag or digest to ask the registry for (tag "latest" when neither was given).</summary>
    public string ManifestReference => Digest ?? Tag ?? Reference.DefaultTag;

    /// <summary>"repo:tag" or "repo@digest", as Docker prints it.</summary>
    public override string ToString() => Digest is not null ? $"{Repository}@{Digest}" : $"{Repository}:{Tag ?? Reference.DefaultTag}";

    /// <summary>True for the hosts Docker treats as insecure registries by default (plain HTTP): localhost and 127.0.0.0/8, ::1.</summary>
    public bool IsLoopback => IsLoopbackHost(Domain);

    /// <summary>Where the registry's API is: http for loopback hosts, https otherwise; docker.io is registry-1.docker.io.</summary>
    public Uri BaseUri => RegistryBaseUri(Domain);

    public static Uri RegistryBaseUri(string domain)
    {
        if (domain is DefaultDomain or "index.docker.io")
        {
            return new Uri("https://registry-1.docker.io/");
        }
        return new Uri((IsLoopbackHost(domain) ? "http://" : "https://") + domain + "/");
    }

    public static bool IsLoopbackHost(string domain)
    {
        var host = domain;
        if (host.StartsWith('['))
        {
            var end = host.IndexOf(']');
            host = end > 0 ? host[1..end] : host;
        }
        else if (host.LastIndexOf(':') is var colon and > 0 && host.IndexOf(':') == colon)
        {
            host = host[..colon];
        }
        if (host == "localhost")
        {
            return true;
        }
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }

    /// <summary>Parses "[domain/]path[:tag][@sha256:hex]", validating names as Docker does (InvalidParameter otherwise).</summary>
    public static RegistryReference Parse(string reference, string? tag = null)
    {
        var (repo, parsedTag, digest) = Reference.Split(reference);
        if (!string.IsNullOrEmpty(tag))
        {
            if (tag.StartsWith(Digests.Sha256Prefix, StringComparison.Ordinal))
            {
                digest = tag; // CLIs send a digest reference as fromImage=name&tag=sha256:...
            }
            else
            {
                parsedTag = tag;
            }
        }
        if (digest is not null && !Digests.IsSha256(digest))
        {
            throw EngineException.Invalid($"invalid reference format: bad digest \"{digest}\"");
        }
        repo = Reference.Normalize(repo);
        Reference.ValidateRepository(repo);
        if (parsedTag is not null)
        {
            Reference.ValidateTag(parsedTag);
        }
        string domain, remote;
        var slash = repo.IndexOf('/');
        if (slash > 0 && (repo[..slash].Contains('.') || repo[..slash].Contains(':') || repo[..slash] == "localhost"))
        {
            domain = repo[..slash];
            remote = repo[(slash + 1)..];
        }
        else
        {
            domain = DefaultDomain;
            remote = repo.Contains('/') ? repo : "library/" + repo;
        }
        return new RegistryReference { Domain = domain, RemoteName = remote, Repository = repo, Tag = parsedTag, Digest = digest };
    }
}
