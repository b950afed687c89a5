using System.Text;
using Engine.Core.Build.Dockerfile;
using Engine.Core.Containers;
using Engine.Storage.Errors;
using Engine.Storage.Images;

namespace Engine.Core.Build;

/// <summary>The instructions that only change the config: each commits a "#(nop) ..." step (Docker 1.7's dispatchers).</summary>
internal sealed partial class Builder
{
    private const string Scratch = "scratch";

    private async Task FromAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (args.Count != 1)
        {
            throw EngineException.Invalid("FROM requires one argument");
        }
        var name = args[0];
        if (name == Scratch)
        {
            _image = null;
            _noBaseImage = true;
            _config = new ContainerConfig();
            return;
        }
        var image = _images.TryGet(name)
            ?? throw EngineException.NotFound($"Error: image {name} not found (this engine has no registry access; import or load it first)");
        _image = image.Id;
        _noBaseImage = false;
        _config = image.Config?.Clone() ?? new ContainerConfig();
        if (_config.Env is not { Count: > 0 })
        {
            _config.Env = [ContainerManager.DefaultPath];
        }
        var triggers = _config.OnBuild ?? [];
        // The triggers run now and are not inherited: the config is committed without them.
        _config.OnBuild = [];
        if (triggers.Count > 0)
        {
            await WriteAsync($"# Executing {triggers.Count} build triggers\n").ConfigureAwait(false);
        }
        for (var n = 0; n < triggers.Count; n++)
        {
            var parsed = DockerfileParser.Parse(triggers[n]);
            for (var i = 0; i < parsed.Count; i++)
            {
                var command = parsed[i].Command.ToUpperInvariant();
                if (command == "ONBUILD")
                {
                    throw EngineException.Invalid("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
                }
                if (command is "MAINTAINER" or "FROM")
                {
                    throw EngineException.Invalid($"{command} isn't allowed as an ONBUILD trigger");
                }
                await WriteAsync($"Trigger {n}, {triggers[n]}\n").ConfigureAwait(false);
                await DispatchAsync(i + 1, parsed[i], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private Task MaintainerAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (args.Count != 1)
        {
            throw EngineException.Invalid("MAINTAINER requires exactly one argument");
        }
        _maintainer = args[0];
        return CommitNopAsync($"MAINTAINER {_maintainer}", cancellationToken);
    }

    private Task EnvAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (args.Count == 0)
        {
            throw EngineException.Invalid("ENV requires at least one argument");
        }
        if (args.Count % 2 != 0)
        {
            throw EngineException.Invalid("Bad input to ENV, too many args");
        }
        var commit = new StringBuilder("ENV");
        _config.Env ??= [];
        for (var j = 0; j < args.Count; j += 2)
        {
            var entry = args[j] + "=" + args[j + 1];
            commit.Append(' ').Append(entry);
            var index = _config.Env.FindIndex(e => (e.IndexOf('=') is var eq && eq >= 0 ? e[..eq] : e) == args[j]);
            if (index >= 0)
            {
                _config.Env[index] = entry;
            }
            else
            {
                _config.Env.Add(entry);
            }
        }
        return CommitNopAsync(commit.ToString(), cancellationToken);
    }

    private Task LabelAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (args.Count == 0)
        {
            throw EngineException.Invalid("LABEL requires at least one argument");
        }
        if (args.Count % 2 != 0)
        {
            throw EngineException.Invalid("Bad input to LABEL, too many args");
        }
        var commit = new StringBuilder("LABEL");
        _config.Labels ??= [];
        for (var j = 0; j < args.Count; j += 2)
        {
            commit.Append(' ').Append(args[j]).Append('=').Append(args[j + 1]);
            _config.Labels[args[j]] = args[j + 1];
        }
        return CommitNopAsync(commit.ToString(), cancellationToken);
    }

    private async Task CmdAsync(IReadOnlyList<string> args, bool json, CancellationToken cancellationToken)
    {
        List<string> cmd = json ? [.. args] : ["/bin/sh", "-c", string.Join(' ', args)];
        _config.Cmd = cmd;
        await CommitNopAsync($"CMD {GoQuote(cmd)}", cancellationToken).ConfigureAwait(false);
        if (args.Count != 0)
        {
            _cmdSet = true;
        }
    }

    private Task EntrypointAsync(IReadOnlyList<string> args, bool json, CancellationToken cancellationToken)
    {
        _config.Entrypoint = json ? [.. args] : args.Count == 0 ? null : ["/bin/sh", "-c", args[0]];
        // An ENTRYPOINT drops the CMD inherited from the base image unless this Dockerfile set one.
        if (!_cmdSet)
        {
            _config.Cmd = null;
        }
        return CommitNopAsync($"ENTRYPOINT {GoQuote(_config.Entrypoint)}", cancellationToken);
    }

    private Task ExposeAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (args.Count == 0)
        {
            throw EngineException.Invalid("EXPOSE requires at least one argument");
        }
        _config.ExposedPorts ??= [];
        var ports = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var spec in args)
        {
            foreach (var port in ParsePorts(spec))
            {
                ports.Add(port);
                _config.ExposedPorts.TryAdd(port, EmptyObject.Instance);
            }
        }
        return CommitNopAsync($"EXPOSE {string.Join(' ', ports)}", cancellationToken);
    }

    /// <summary>"80", "80/udp", "8000-8002/tcp", or "ip:host:container" (only the container part counts), as nat.ParsePortSpecs.</summary>
    internal static IEnumerable<string> ParsePorts(string spec)
    {
        var proto = "tcp";
        var slash = spec.LastIndexOf('/');
        if (slash >= 0)
        {
            proto = spec[(slash + 1)..].ToLowerInvariant();
            spec = spec[..slash];
        }
        if (proto is not ("tcp" or "udp"))
        {
            throw EngineException.Invalid($"Invalid proto: {proto}");
        }
        var colon = spec.LastIndexOf(':');
        if (colon >= 0)
        {
            spec = spec[(colon + 1)..];
        }
        var dash = spec.IndexOf('-');
        var (first, last) = dash < 0 ? (spec, spec) : (spec[..dash], spec[(dash + 1)..]);
        if (!ushort.TryParse(first, out var start) || !ushort.TryParse(last, out var end) || end < start)
        {
            throw EngineException.Invalid($"Invalid containerPort: {spec}");
        }
        for (var p = (int)start; p <= end; p++)
        {
            yield return $"{p}/{proto}";
        }
    }

    private Task UserAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (args.Count != 1)
        {
            throw EngineException.Invalid("USER requires exactly one argument");
        }
        _config.User = args[0];
        return CommitNopAsync($"USER [{args[0]}]", cancellationToken);
    }

    private Task VolumeAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (args.Count == 0)
        {
            throw EngineException.Invalid("VOLUME requires at least one argument");
        }
        _config.Volumes ??= [];
        foreach (var raw in args)
        {
            var v = raw.Trim();
            if (v.Length == 0)
            {
                throw EngineException.Invalid("Volume specified can not be an empty string");
            }
            _config.Volumes[v] = EmptyObject.Instance;
        }
        return CommitNopAsync($"VOLUME [{string.Join(' ', args)}]", cancellationToken);
    }

    private Task WorkdirAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (args.Count != 1)
        {
            throw EngineException.Invalid("WORKDIR requires exactly one argument");
        }
        var workdir = args[0];
        if (!workdir.StartsWith('/'))
        {
            workdir = "/" + DockerIgnore.CleanPath(_config.WorkingDir + "/" + workdir);
        }
        _config.WorkingDir = workdir;
        return CommitNopAsync($"WORKDIR {workdir}", cancellationToken);
    }

    private Task OnBuildAsync(Instruction instruction, CancellationToken cancellationToken)
    {
        var trigger = instruction.Trigger ?? throw EngineException.Invalid("ONBUILD requires at least one argument");
        var command = trigger.Command.ToUpperInvariant();
        if (command == "ONBUILD")
        {
            throw EngineException.Invalid("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        }
        if (command is "MAINTAINER" or "FROM")
        {
            throw EngineException.Invalid($"{command} isn't allowed as an ONBUILD trigger");
        }
        var text = instruction.Args[0];
        (_config.OnBuild ??= []).Add(text);
        return CommitNopAsync($"ONBUILD {text}", cancellationToken);
    }

    /// <summary>Go's %q of a []string: ["a" "b"]; [] for none.</summary>
    internal static string GoQuote(IReadOnlyList<string>? values)
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < (values?.Count ?? 0); i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }
            sb.Append('"');
            foreach (var ch in values![i])
            {
                sb.Append(ch switch
                {
                    '"' => "\\\"",
                    '\\' => "\\\\",
                    '\n' => "\\n",
                    '\t' => "\\t",
                    '\r' => "\\r",
                    _ when char.IsControl(ch) => $"\\x{(int)ch:x2}",
                    _ => ch.ToString(),
                });
            }
            sb.Append('"');
        }
        return sb.Append(']').ToString();
    }
}
