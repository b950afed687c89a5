using System.Text;
using Engine.Core.Containers;
using Engine.Storage.Images;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Engine.Core.Sandbox;

/// <summary>
/// A whole engine for one test or one program, with no daemon and no HTTP: temporary data and exec roots,
/// its own cgroup parent. Run containers, read their output, and dispose: every container, mount, cgroup
/// and file it made is removed.
/// </summary>
public sealed class EngineSandbox : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IHostedService[] _hosted;
    private readonly string _root;

    private EngineSandbox(ServiceProvider services, string root)
    {
        _services = services;
        _root = root;
        _hosted = services.GetServices<IHostedService>().ToArray();
        Engine = services.GetRequiredService<IContainerEngine>();
    }

    public IContainerEngine Engine { get; }

    /// <summary>The services, for parts of the engine beyond the facade.</summary>
    public IServiceProvider Services => _services;

    /// <summary>Starts an engine in a new temporary directory. <paramref name="configure"/> may change any option.</summary>
    public static async Task<EngineSandbox> StartAsync(Action<EngineOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var root = Path.Combine(Path.GetTempPath(), "engine-sandbox-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddContainerEngine(o =>
        {
            o.DataRoot = Path.Combine(root, "data");
            o.ExecRoot = Path.Combine(root, "exec");
            o.CgroupParent = "engine-sandbox-" + Path.GetFileName(root)["engine-sandbox-".Length..];
            // Sandboxes run side by side: each gets its own bridge and subnet (a library user may set others, or "none").
            o.Bridge = "esb" + Path.GetFileName(root)["engine-sandbox-".Length..][..8];
            o.BridgeIp = Networking.Ipv4Subnet.RandomFree24().ToString();
            configure?.Invoke(o);
        });
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var sandbox = new EngineSandbox(provider, root);
        foreach (var hosted in sandbox._hosted)
        {
            await hosted.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        return sandbox;
    }

    /// <summary>Imports a root file system tarball as <paramref name="reference"/> ("name" or "name:tag").</summary>
    public Task<Image> ImportAsync(Stream rootFsTar, string reference, CancellationToken cancellationToken = default)
    {
        var colon = reference.LastIndexOf(':');
        var hasTag = colon > 0 && !reference[colon..].Contains('/');
        return Engine.Images.ImportAsync(rootFsTar, new ImportOptions
        {
            Repository = hasTag ? reference[..colon] : reference,
            Tag = hasTag ? reference[(colon + 1)..] : "latest",
        }, cancellationToken);
    }

    /// <summary>Creates and starts a container running <paramref name="command"/> in <paramref name="image"/>, attached from its first byte.</summary>
    public async Task<SandboxContainer> RunAsync(string image, IReadOnlyList<string> command, Action<ContainerConfig, HostConfig>? configure = null, CancellationToken cancellationToken = default)
    {
        var config = new ContainerConfig { Image = image, Cmd = [.. command], AttachStdout = true, AttachStderr = true };
        var hostConfig = new HostConfig { NetworkMode = "none" };
        configure?.Invoke(config, hostConfig);
        var created = await Engine.Containers.CreateAsync(new CreateContainerRequest { Config = config, HostConfig = hostConfig }, cancellationToken).ConfigureAwait(false);
        var attachment = await Engine.Containers.AttachAsync(created.Id, new AttachOptions { Stdout = true, Stderr = true, Stdin = config.OpenStdin, Stream = true }, cancellationToken).ConfigureAwait(false);
        var container = new SandboxContainer(Engine.Containers, created.Id, attachment);
        try
        {
            await Engine.Containers.StartAsync(created.Id, null, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return container;
    }

    public async ValueTask DisposeAsync()
    {
        var containers = await Engine.Containers.ListAsync(new ListContainersOptions { All = true }).ConfigureAwait(false);
        foreach (var c in containers)
        {
            await Engine.Containers.RemoveAsync(c.Id, force: true).ConfigureAwait(false);
        }
        foreach (var hosted in _hosted.Reverse())
        {
            await hosted.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        await _services.DisposeAsync().ConfigureAwait(false);
        Directory.Delete(_root, recursive: true);
    }
}

/// <summary>A container run by <see cref="EngineSandbox"/>; its output is collected from the first byte.</summary>
public sealed class SandboxContainer : IAsyncDisposable
{
    private readonly IContainerService _containers;
    private readonly IContainerAttachment _attachment;
    private readonly MemoryStream _stdout = new();
    private readonly MemoryStream _stderr = new();
    private readonly Task _collect;

    internal SandboxContainer(IContainerService containers, string id, IContainerAttachment attachment)
    {
        _containers = containers;
        _attachment = attachment;
        Id = id;
        _collect = CollectAsync();
    }

    public string Id { get; }

    private async Task CollectAsync()
    {
        await foreach (var chunk in _attachment.ReadOutputAsync().ConfigureAwait(false))
        {
            var target = chunk.Stream == StdStream.Stderr ? _stderr : _stdout;
            lock (target)
            {
                target.Write(chunk.Data.Span);
            }
        }
    }

    /// <summary>Writes to the container's stdin (needs OpenStdin in the config).</summary>
    public ValueTask WriteStdinAsync(string text, CancellationToken cancellationToken = default) =>
        _attachment.WriteStdinAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    public ValueTask CloseStdinAsync() => _attachment.CompleteStdinAsync();

    /// <summary>Waits for the container to exit and returns its exit code and everything it wrote.</summary>
    public async Task<SandboxResult> WaitAsync(CancellationToken cancellationToken = default)
    {
        var exitCode = await _containers.WaitAsync(Id, cancellationToken).ConfigureAwait(false);
        await _collect.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new SandboxResult(exitCode, _stdout.ToArray(), _stderr.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await _attachment.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _containers.RemoveAsync(Id, force: true).ConfigureAwait(false);
        }
        catch (Storage.Errors.EngineException e) when (e.Kind == Storage.Errors.ErrorKind.NotFound)
        {
        }
    }
}

public sealed record SandboxResult(int ExitCode, byte[] StdoutBytes, byte[] StderrBytes)
{
    public string Stdout => Encoding.UTF8.GetString(StdoutBytes);
    public string Stderr => Encoding.UTF8.GetString(StderrBytes);
}
