using System.Text.Json;
using Engine.Storage.Errors;
using Engine.Storage.Images;

namespace Engine.Core.Images;

/// <summary>
/// The two config steps of commit and import as Docker 1.7 does them: Dockerfile instructions given as
/// "changes" applied to a config, and runconfig.Merge (the user's config filled in from another one).
/// </summary>
public static class ConfigChanges
{
    private static readonly string[] Allowed = ["CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "USER", "VOLUME", "WORKDIR", "ONBUILD", "STOPSIGNAL"];

    /// <summary>Applies "CMD [...]", "ENV K=V", ... to <paramref name="config"/> (created when null). Invalid for other instructions.</summary>
    public static ContainerConfig? Apply(ContainerConfig? config, IReadOnlyList<string> changes)
    {
        foreach (var change in changes)
        {
            var line = change.Trim();
            if (line.Length == 0)
            {
                continue;
            }
            var space = line.IndexOfAny([' ', '\t']);
            var instruction = (space < 0 ? line : line[..space]).ToUpperInvariant();
            var rest = space < 0 ? "" : line[(space + 1)..].Trim();
            if (!Allowed.Contains(instruction))
            {
                throw EngineException.Invalid($"{instruction} is not a valid change command");
            }
            config ??= new ContainerConfig();
            switch (instruction)
            {
                case "CMD":
                    config.Cmd = CommandForm(rest);
                    break;
                case "ENTRYPOINT":
                    config.Entrypoint = CommandForm(rest);
                    break;
                case "ENV":
                    config.Env ??= [];
                    foreach (var (k, v) in KeyValues(rest, "ENV"))
                    {
                        config.Env.RemoveAll(e => e == k || e.StartsWith(k + "=", StringComparison.Ordinal));
                        config.Env.Add(k + "=" + v);
                    }
                    break;
                case "LABEL":
                    config.Labels ??= [];
                    foreach (var (k, v) in KeyValues(rest, "LABEL"))
                    {
                        config.Labels[k] = v;
                    }
                    break;
                case "EXPOSE":
                    config.ExposedPorts ??= [];
                    foreach (var port in rest.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        config.ExposedPorts[port.Contains('/', StringComparison.Ordinal) ? port : port + "/tcp"] = EmptyObject.Instance;
                    }
                    break;
                case "VOLUME":
                    config.Volumes ??= [];
                    foreach (var volume in rest.StartsWith('[') ? CommandForm(rest) : [.. rest.Split(' ', StringSplitOptions.RemoveEmptyEntries)])
                    {
                        config.Volumes[volume] = EmptyObject.Instance;
                    }
                    break;
                case "USER":
                    config.User = rest;
                    break;
                case "WORKDIR":
                    config.WorkingDir = rest.StartsWith('/') ? rest : Path.Combine(string.IsNullOrEmpty(config.WorkingDir) ? "/" : config.WorkingDir, rest);
                    break;
                case "ONBUILD":
                    (config.OnBuild ??= []).Add(rest);
                    break;
                case "STOPSIGNAL":
                    config.StopSignal = rest;
                    break;
            }
        }
        return config;
    }

    /// <summary>JSON array form, or the shell form ["/bin/sh","-c",text].</summary>
    private static List<string> CommandForm(string text)
    {
        if (text.StartsWith('['))
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.ValueKind == JsonValueKind.Array && doc.RootElement.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
                {
                    return [.. doc.RootElement.EnumerateArray().Select(e => e.GetString()!)];
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: Docker falls back to the shell form.
            }
        }
        return ["/bin/sh", "-c", text];
    }

    /// <summary>"K=V K2=\"a b\"" or the legacy "K V" form.</summary>
    private static List<(string Key, string Value)> KeyValues(string text, string instruction)
    {
        var result = new List<(string, string)>();
        if (!text.Contains('=', StringComparison.Ordinal))
        {
            var space = text.IndexOf(' ');
            if (space <= 0)
            {
                throw EngineException.Invalid($"{instruction} requires at least one argument");
            }
            result.Add((text[..space], text[(space + 1)..].Trim()));
            return result;
        }
        foreach (var word in SplitWords(text))
        {
            var eq = word.IndexOf('=');
            if (eq <= 0)
            {
                throw EngineException.Invalid($"{instruction} names can not be blank: {word}");
            }
            result.Add((word[..eq], word[(eq + 1)..]));
        }
        return result;
    }

    private static List<string> SplitWords(string text)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        char quote = '\0';
        var any = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quote != '\0')
            {
                if (ch == quote)
                {
                    quote = '\0';
                }
                else if (ch == '\\' && quote == '"' && i + 1 < text.Length)
                {
                    current.Append(text[++i]);
                }
                else
                {
                    current.Append(ch);
                }
            }
            else if (ch is '"' or '\'')
            {
                quote = ch;
                any = true;
            }
            else if (ch == '\\' && i + 1 < text.Length)
            {
                current.Append(text[++i]);
                any = true;
            }
            else if (char.IsWhiteSpace(ch))
            {
                if (any)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    any = false;
                }
            }
            else
            {
                current.Append(ch);
                any = true;
            }
        }
        if (any)
        {
            words.Add(current.ToString());
        }
        return words;
    }

    /// <summary>
    /// Docker 1.7's runconfig.Merge: what <paramref name="user"/> leaves empty comes from <paramref name="from"/>;
    /// Env, ExposedPorts, Volumes and Labels are unions (the user's values win); Cmd and Entrypoint are taken only
    /// when the user gave no Entrypoint.
    /// </summary>
    public static ContainerConfig Merge(ContainerConfig? userConfig, ContainerConfig from)
    {
        if (userConfig is null)
        {
            return from.Clone();
        }
        var user = userConfig.Clone();
        if (string.IsNullOrEmpty(user.User))
        {
            user.User = from.User;
        }
        if (user.ExposedPorts is null || user.ExposedPorts.Count == 0)
        {
            user.ExposedPorts = from.ExposedPorts is null ? null : new(from.ExposedPorts);
        }
        else if (from.ExposedPorts is not null)
        {
            foreach (var (port, v) in from.ExposedPorts)
            {
                user.ExposedPorts.TryAdd(port, v);
            }
        }
        if (user.Env is null || user.Env.Count == 0)
        {
            user.Env = from.Env is null ? null : [.. from.Env];
        }
        else if (from.Env is not null)
        {
            var keys = user.Env.Select(e => e.Split('=', 2)[0]).ToHashSet(StringComparer.Ordinal);
            user.Env.AddRange(from.Env.Where(e => !keys.Contains(e.Split('=', 2)[0])));
        }
        if (from.Labels is not null)
        {
            user.Labels ??= [];
            foreach (var (k, v) in from.Labels)
            {
                user.Labels.TryAdd(k, v);
            }
        }
        if (user.Entrypoint is null || user.Entrypoint.Count == 0)
        {
            if (user.Cmd is null || user.Cmd.Count == 0)
            {
                user.Cmd = from.Cmd is null ? null : [.. from.Cmd];
            }
            user.Entrypoint ??= from.Entrypoint is null ? null : [.. from.Entrypoint];
        }
        if (string.IsNullOrEmpty(user.WorkingDir))
        {
            user.WorkingDir = from.WorkingDir;
        }
        if (user.Volumes is null || user.Volumes.Count == 0)
        {
            user.Volumes = from.Volumes is null ? null : new(from.Volumes);
        }
        else if (from.Volumes is not null)
        {
            foreach (var (volume, v) in from.Volumes)
            {
                user.Volumes.TryAdd(volume, v);
            }
        }
        return user;
    }
}
