using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Engine.Storage.Errors;
using Engine.Storage.Images;

namespace Engine.Core.Containers;

public sealed partial class ContainerManager
{
    [GeneratedRegex("^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$")]
    private static partial Regex ValidName();

    [GeneratedRegex("^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")]
    private static partial Regex MacAddress();

    public async Task<CreateContainerResult> CreateAsync(CreateContainerRequest request, CancellationToken cancellationToken = default)
    {
        var config = request.Config.Clone();
        var hostConfig = request.HostConfig ?? new HostConfig();
        if (string.IsNullOrEmpty(config.Image))
        {
            throw EngineException.Invalid("No image was specified");
        }
        string name;
        if (!string.IsNullOrEmpty(request.Name))
        {
            if (!ValidName().IsMatch(request.Name))
            {
                throw EngineException.Invalid($"Invalid container name ({request.Name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
            }
            name = request.Name.TrimStart('/');
        }
        else
        {
            name = NameGenerator.Generate(_store.NameInUse);
        }
        ValidateHostConfig(hostConfig);
        Logs.LogDrivers.Validate(hostConfig.LogConfig);
        if (!string.IsNullOrEmpty(config.MacAddress) && !MacAddress().IsMatch(config.MacAddress))
        {
            throw EngineException.Invalid($"{config.MacAddress} is not a valid mac address");
        }

        var image = _images.Get(config.Image);
        MergeImageConfig(config, image.Config);
        if ((config.Entrypoint is null || config.Entrypoint.Count == 0) && (config.Cmd is null || config.Cmd.Count == 0))
        {
            throw EngineException.Invalid("No command specified");
        }

        var volumes = ContainerVolumes.Resolve(config, hostConfig, _store.Get, Path.Combine(_options.DataRoot, "volumes"));
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        if (string.IsNullOrEmpty(config.Hostname))
        {
            config.Hostname = id[..12];
        }
        var argv = Argv(config);
        var record = new ContainerRecord
        {
            Id = id,
            Name = name,
            Created = _time.GetUtcNow(),
            Path = argv[0],
            Args = argv.Skip(1).ToList(),
            Config = config,
            HostConfig = hostConfig,
            ImageId = image.Id,
            Volumes = volumes,
        };
        var directory = _store.DirectoryFor(id);
        _store.ReserveName(name, id);
        var undo = new Stack<Func<Task>>();
        undo.Push(() =>
        {
            _store.ReleaseName(name, id);
            return Task.CompletedTask;
        });
        try
        {
            Directory.CreateDirectory(directory);
            undo.Push(() =>
            {
                Directory.Delete(directory, recursive: true);
                return Task.CompletedTask;
            });
            await _layers.CreateReadWriteLayerAsync(id, image.TopChainId, cancellationToken).ConfigureAwait(false);
            undo.Push(() => _layers.RemoveReadWriteLayerAsync(id, CancellationToken.None));
            var container = new Container(record, directory);
            // The record is the commit point: a directory without config.json is dropped at the next load.
            _store.Save(container);
            _store.Add(container);
        }
        catch
        {
            while (undo.TryPop(out var step))
            {
                try
                {
                    await step().ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or EngineException or UnauthorizedAccessException)
                {
                    LogCleanupFailed(id, e);
                }
            }
            throw;
        }
        Publish(_store.Get(id), "create");
        return new CreateContainerResult(id, []);
    }

    private static void ValidateHostConfig(HostConfig hostConfig)
    {
        if (hostConfig.Memory is > 0 and < 4 * 1024 * 1024)
        {
            throw EngineException.Invalid("Minimum memory limit allowed is 4MB");
        }
        if (hostConfig.MemorySwap > 0 && hostConfig.Memory > 0 && hostConfig.MemorySwap < hostConfig.Memory)
        {
            throw EngineException.Invalid("Minimum memoryswap limit should be larger than memory limit, see usage.");
        }
        if (hostConfig.MemorySwap > 0 && hostConfig.Memory == 0)
        {
            throw EngineException.Invalid("You should always set the Memory limit when using Memoryswap limit, see usage.");
        }
        var mode = hostConfig.NetworkMode;
        if (!(mode is "" or "default" or "bridge" or "none" or "host" || mode.StartsWith("container:", StringComparison.Ordinal)))
        {
            throw EngineException.Invalid($"invalid --net: {mode}");
        }
        if (!(hostConfig.IpcMode is "" or "host" or "private" or "shareable" || hostConfig.IpcMode.StartsWith("container:", StringComparison.Ordinal) && hostConfig.IpcMode.Length > "container:".Length))
        {
            throw EngineException.Invalid($"invalid --ipc: {hostConfig.IpcMode}");
        }
        if (!(hostConfig.PidMode is "" or "host"))
        {
            throw EngineException.Invalid($"invalid --pid: {hostConfig.PidMode}");
        }
        var policy = hostConfig.RestartPolicy.Name;
        if (!(policy is "" or "no" or "always" or "on-failure" or "unless-stopped"))
        {
            throw EngineException.Invalid($"invalid restart policy {policy}");
        }
        if (policy != "on-failure" && hostConfig.RestartPolicy.MaximumRetryCount > 0 && policy != "")
        {
            throw EngineException.Invalid($"maximum restart count not valid with restart policy of \"{policy}\"");
        }
    }

    /// <summary>Docker's merge of the image's config into the container's (runconfig.Merge).</summary>
    internal static void MergeImageConfig(ContainerConfig config, ContainerConfig? image)
    {
        if (image is null)
        {
            return;
        }
        if (string.IsNullOrEmpty(config.User))
        {
            config.User = image.User;
        }
        if (image.ExposedPorts is { Count: > 0 })
        {
            config.ExposedPorts ??= [];
            foreach (var (port, value) in image.ExposedPorts)
            {
                config.ExposedPorts.TryAdd(port, value);
            }
        }
        if (image.Env is { Count: > 0 })
        {
            var env = config.Env ?? [];
            var keys = new HashSet<string>(env.Select(EnvKey), StringComparer.Ordinal);
            var merged = image.Env.Where(e => !keys.Contains(EnvKey(e))).ToList();
            merged.AddRange(env);
            config.Env = merged;
        }
        if (config.Entrypoint is null || config.Entrypoint.Count == 0)
        {
            if (config.Cmd is null || config.Cmd.Count == 0)
            {
                config.Cmd = image.Cmd is null ? null : [.. image.Cmd];
            }
            if (config.Entrypoint is null)
            {
                config.Entrypoint = image.Entrypoint is null ? null : [.. image.Entrypoint];
            }
        }
        if (string.IsNullOrEmpty(config.WorkingDir))
        {
            config.WorkingDir = image.WorkingDir;
        }
        if (image.Volumes is { Count: > 0 })
        {
            config.Volumes ??= [];
            foreach (var (path, value) in image.Volumes)
            {
                config.Volumes.TryAdd(path, value);
            }
        }
        if (image.Labels is { Count: > 0 })
        {
            config.Labels ??= [];
            foreach (var (k, v) in image.Labels)
            {
                config.Labels.TryAdd(k, v);
            }
        }
        if (string.IsNullOrEmpty(config.StopSignal))
        {
            config.StopSignal = image.StopSignal;
        }
        if (config.OnBuild is null || config.OnBuild.Count == 0)
        {
            config.OnBuild = image.OnBuild;
        }
    }

    private static string EnvKey(string entry)
    {
        var eq = entry.IndexOf('=');
        return eq < 0 ? entry : entry[..eq];
    }

    internal static List<string> Argv(ContainerConfig config)
    {
        var argv = new List<string>();
        if (config.Entrypoint is { Count: > 0 } entrypoint)
        {
            argv.AddRange(entrypoint);
        }
        if (config.Cmd is { Count: > 0 } cmd)
        {
            argv.AddRange(cmd);
        }
        return argv;
    }
}
