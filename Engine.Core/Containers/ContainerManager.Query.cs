using Engine.Storage.Errors;

namespace Engine.Core.Containers;

public sealed partial class ContainerManager
{
    public Task<ContainerDetails> InspectAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var container = _store.Get(nameOrId);
        var r = container.Record;
        var s = r.State;
        var details = new ContainerDetails
        {
            Id = r.Id,
            Name = "/" + r.Name,
            Created = r.Created,
            Path = r.Path,
            Args = r.Args,
            Config = r.Config.Clone(),
            HostConfig = r.HostConfig,
            State = new ContainerStateInfo
            {
                Status = container.StatusWord,
                Running = s.Running,
                Paused = s.Paused,
                Restarting = s.Restarting,
                OOMKilled = s.OOMKilled,
                Dead = s.Dead,
                Pid = s.Pid,
                ExitCode = s.ExitCode,
                Error = s.Error,
                StartedAt = s.StartedAt,
                FinishedAt = s.FinishedAt,
            },
            Image = r.ImageId,
            NetworkSettings = NetworkInfoFor(container),
            ResolvConfPath = r.HasBeenStarted ? ContainerFiles.ResolvConfPath(container) : "",
            HostnamePath = r.HasBeenStarted ? ContainerFiles.HostnamePath(container) : "",
            HostsPath = r.HasBeenStarted ? ContainerFiles.HostsPath(container) : "",
            LogPath = container.LogPath,
            Driver = r.Driver,
            RestartCount = r.RestartCount,
            Volumes = r.Volumes.ToDictionary(v => v.Key, v => v.Value.Source),
            VolumesRW = r.Volumes.ToDictionary(v => v.Key, v => v.Value.RW),
            ExecIds = container.Execs.Values.OrderBy(e => e.Sequence).Select(e => e.Id).ToList(),
        };
        return Task.FromResult(details);
    }

    private static string NetworkModeName(HostConfig hostConfig) => hostConfig.NetworkMode is "" ? "default" : hostConfig.NetworkMode;

    public Task<IReadOnlyList<ContainerSummary>> ListAsync(ListContainersOptions options, CancellationToken cancellationToken = default)
    {
        var all = _store.All().OrderByDescending(c => c.Record.Created).ThenByDescending(c => c.Id, StringComparer.Ordinal).ToList();
        DateTimeOffset? sinceCreated = options.Since is { Length: > 0 } since ? _store.Get(since).Record.Created : null;
        DateTimeOffset? beforeCreated = options.Before is { Length: > 0 } before ? _store.Get(before).Record.Created : null;
        var showAll = options.All || options.Limit > 0 || sinceCreated is not null || beforeCreated is not null;
        var filters = options.Filters;
        ValidateFilters(filters);
        var now = _time.GetUtcNow();
        var result = new List<ContainerSummary>();
        foreach (var c in all)
        {
            var r = c.Record;
            if (sinceCreated is { } sc && (r.Created <= sc))
            {
                continue;
            }
            if (beforeCreated is { } bc && r.Created >= bc)
            {
                continue;
            }
            if (!showAll && !r.State.Running && !HasFilter(filters, "status") && !HasFilter(filters, "exited"))
            {
                continue;
            }
            if (!MatchesFilters(c, filters))
            {
                continue;
            }
            long? sizeRw = null;
            long? sizeRoot = null;
            if (options.Size)
            {
                try
                {
                    sizeRw = _layers.GetReadWriteLayer(c.Id).Size();
                    sizeRoot = sizeRw + (_images.TryGet(r.ImageId)?.VirtualSize ?? 0);
                }
                catch (EngineException)
                {
                }
            }
            result.Add(new ContainerSummary
            {
                Id = r.Id,
                Names = ["/" + r.Name],
                Image = r.Config.Image,
                ImageId = r.ImageId,
                Command = string.Join(' ', Argv(r.Config)),
                Created = r.Created,
                Status = StatusText(c, now),
                State = c.StatusWord,
                ExitCode = r.State.ExitCode,
                Labels = r.Config.Labels ?? [],
                SizeRw = sizeRw,
                SizeRootFs = sizeRoot,
                NetworkMode = NetworkModeName(r.HostConfig),
                Ports = PortsFor(c),
            });
            if (options.Limit > 0 && result.Count >= options.Limit)
            {
                break;
            }
        }
        return Task.FromResult<IReadOnlyList<ContainerSummary>>(result);
    }

    private static bool HasFilter(IReadOnlyDictionary<string, IReadOnlyList<string>> filters, string name) =>
        filters.TryGetValue(name, out var values) && values.Count > 0;

    private static void ValidateFilters(IReadOnlyDictionary<string, IReadOnlyList<string>> filters)
    {
        foreach (var (name, values) in filters)
        {
            if (!(name is "exited" or "status" or "label" or "id" or "name" or "ancestor" or "before" or "since"))
            {
                throw EngineException.Invalid($"Invalid filter '{name}'");
            }
            if (name == "status")
            {
                foreach (var v in values)
                {
                    if (!(v is "created" or "restarting" or "running" or "paused" or "exited" or "dead" or "removing"))
                    {
                        throw EngineException.Invalid($"Invalid filter 'status={v}'");
                    }
                }
            }
            if (name == "exited")
            {
                foreach (var v in values)
                {
                    if (!int.TryParse(v, out _))
                    {
                        throw EngineException.Invalid($"Invalid filter 'exited={v}'");
                    }
                }
            }
        }
    }

    private bool MatchesFilters(Container c, IReadOnlyDictionary<string, IReadOnlyList<string>> filters)
    {
        var r = c.Record;
        foreach (var (name, values) in filters)
        {
            if (values.Count == 0)
            {
                continue;
            }
            var ok = name switch
            {
                "exited" => c.StatusWord == "exited" && values.Any(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) == r.State.ExitCode),
                "status" => values.Contains(c.StatusWord),
                "id" => values.Any(v => r.Id.StartsWith(v, StringComparison.Ordinal)),
                "name" => values.Any(v => r.Name.Contains(v.TrimStart('/'), StringComparison.Ordinal)),
                "label" => values.All(v => MatchesLabel(r.Config.Labels, v)),
                "ancestor" => values.Any(v => r.Config.Image == v || _images.TryGet(v)?.Id == r.ImageId),
                _ => true,
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private static bool MatchesLabel(Dictionary<string, string>? labels, string filter)
    {
        if (labels is null)
        {
            return false;
        }
        var eq = filter.IndexOf('=');
        return eq < 0 ? labels.ContainsKey(filter) : labels.TryGetValue(filter[..eq], out var v) && v == filter[(eq + 1)..];
    }

    private static string StatusText(Container c, DateTimeOffset now)
    {
        var s = c.Record.State;
        return c.StatusWord switch
        {
            "running" => $"Up {HumanDuration.Format(now - s.StartedAt)}",
            "paused" => $"Up {HumanDuration.Format(now - s.StartedAt)} (Paused)",
            "restarting" => $"Restarting ({s.ExitCode}) {HumanDuration.Format(now - s.FinishedAt)} ago",
            "exited" => $"Exited ({s.ExitCode}) {HumanDuration.Format(now - s.FinishedAt)} ago",
            "dead" => "Dead",
            _ => "Created",
        };
    }
}
