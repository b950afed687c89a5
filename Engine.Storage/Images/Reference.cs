using System.Text.RegularExpressions;
using Engine.Storage.Errors;

namespace Engine.Storage.Images;

/// <summary>Repository names and tags in Docker's familiar form ("busybox", "fixture/whiteouts", "localhost:5000/a/b").</summary>
public static partial class Reference
{
    public const string DefaultTag = "latest";

    [GeneratedRegex(@"^[\w][\w.-]{0,127}$")]
    private static partial Regex TagRegex();

    // distribution's grammar: [domain[:port]/]component(/component)*, components [a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*
    [GeneratedRegex(@"^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*)*$")]
    private static partial Regex NameRegex();

    [GeneratedRegex("^[a-f0-9]{64}$")]
    private static partial Regex FullHexRegex();

    /// <summary>Splits "name[:tag][@digest]"; the tag is null when absent.</summary>
    public static (string Repository, string? Tag, string? Digest) Split(string reference)
    {
        string? digest = null;
        var at = reference.IndexOf('@');
        if (at >= 0)
        {
            digest = reference[(at + 1)..];
            reference = reference[..at];
        }
        var colon = reference.LastIndexOf(':');
        if (colon > reference.LastIndexOf('/'))
        {
            return (reference[..colon], reference[(colon + 1)..], digest);
        }
        return (reference, null, digest);
    }

    /// <summary>The familiar form of a repository name: docker.io/library/x is x, docker.io/u/x is u/x.</summary>
    public static string Normalize(string repository)
    {
        foreach (var prefix in new[] { "docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/" })
        {
            if (repository.StartsWith(prefix, StringComparison.Ordinal) && repository.Length > prefix.Length)
            {
                return repository[prefix.Length..];
            }
        }
        return repository;
    }

    /// <summary>Throws InvalidParameter with Docker's message when the repository name is not valid.</summary>
    public static void ValidateRepository(string repository)
    {
        if (string.IsNullOrEmpty(repository))
        {
            throw EngineException.Invalid("repository name must have at least one component");
        }
        if (repository.Contains("://", StringComparison.Ordinal))
        {
            throw EngineException.Invalid("invalid repository name");
        }
        if (FullHexRegex().IsMatch(repository))
        {
            throw EngineException.Invalid($"Invalid repository name ({repository}), cannot specify 64-byte hexadecimal strings");
        }
        var slash = repository.IndexOf('/');
        var remote = slash >= 0 && (repository[..slash].Contains('.') || repository[..slash].Contains(':') || repository[..slash] == "localhost")
            ? repository[(slash + 1)..]
            : repository;
        if (remote.ToLowerInvariant() != remote)
        {
            throw EngineException.Invalid($"invalid reference format: repository name ({repository}) must be lowercase");
        }
        if (repository.Length > 255 || !NameRegex().IsMatch(repository))
        {
            throw EngineException.Invalid($"Invalid repository name ({repository}), only [a-z0-9-_.] are allowed");
        }
    }

    public static void ValidateTag(string tag)
    {
        if (tag.Length == 0)
        {
            throw EngineException.Invalid("tag name can't be empty");
        }
        if (!TagRegex().IsMatch(tag))
        {
            throw EngineException.Invalid($"Illegal tag name ({tag}): only [A-Za-z0-9_.-] are allowed ('.' and '-' are NOT allowed in the initial), minimum 1, maximum 128 in length");
        }
    }

    /// <summary>Parses and validates "repo[:tag]" into its familiar repository and tag (default latest); null when it is not a valid name.</summary>
    public static (string Repository, string Tag)? TryParseNamed(string reference)
    {
        var (repo, tag, digest) = Split(reference);
        if (digest is not null)
        {
            return null;
        }
        repo = Normalize(repo);
        try
        {
            ValidateRepository(repo);
            tag ??= DefaultTag;
            ValidateTag(tag);
        }
        catch (EngineException)
        {
            return null;
        }
        return (repo, tag);
    }
}
