using System.Security.Cryptography;
using System.Text;
using Engine.Core.Containers;
using Engine.Storage.Errors;
using Engine.Storage.Images;

namespace Engine.Core.Build;

/// <summary>Steps becoming images: the build cache, commits of "#(nop)" and file steps, and RUN in a container.</summary>
internal sealed partial class Builder
{
    private Task CommitNopAsync(string comment, CancellationToken cancellationToken) =>
        CommitStepAsync(["/bin/sh", "-c", "#(nop) " + comment], fill: null, cancellationToken);

    /// <summary>
    /// A step without a process: the cache key is the config with <paramref name="stepCmd"/> as Cmd (what the image's
    /// ContainerConfig and history show); on a miss a read-write layer on the current image gets
    /// <paramref name="fill"/>'s changes (none for metadata) and is committed with the running config.
    /// </summary>
    private async Task CommitStepAsync(List<string> stepCmd, Func<string, CancellationToken, Task>? fill, CancellationToken cancellationToken)
    {
        if (_image is null && !_noBaseImage)
        {
            throw EngineException.Invalid("Please provide a source image with `from` prior to commit");
        }
        var key = StepConfig(stepCmd);
        if (await ProbeCacheAsync(key).ConfigureAwait(false))
        {
            return;
        }
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var parentChain = _image is null ? null : _images.Get(_image).TopChainId;
        var rw = await _layers.CreateReadWriteLayerAsync(id, parentChain, cancellationToken).ConfigureAwait(false);
        try
        {
            if (fill is not null)
            {
                var rootfs = await rw.MountAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await fill(rootfs, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await rw.UnmountAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            var image = await _images.CommitAsync(rw, ImageConfig(), null, NullIfEmpty(_maintainer), null, null, id, key, _image, cancellationToken).ConfigureAwait(false);
            _image = image.Id;
        }
        finally
        {
            await _layers.RemoveReadWriteLayerAsync(id, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>RUN: a container of the current image runs the command; its changes become the next image.</summary>
    private async Task RunStepAsync(IReadOnlyList<string> args, bool json, CancellationToken cancellationToken)
    {
        if (_image is null && !_noBaseImage)
        {
            throw EngineException.Invalid("Please provide a source image with `from` prior to run");
        }
        List<string> command = json ? [.. args] : ["/bin/sh", "-c", string.Join(' ', args)];
        var key = StepConfig(command);
        if (await ProbeCacheAsync(key).ConfigureAwait(false))
        {
            return;
        }
        if (_image is null)
        {
            throw EngineException.Invalid("RUN needs a base image: FROM scratch has no /bin/sh to run it");
        }
        var config = key.Clone();
        // The step's command runs as it is: the image's ENTRYPOINT is not put in front of it.
        config.Entrypoint = [];
        config.AttachStdout = true;
        config.AttachStderr = true;
        var hostConfig = new HostConfig
        {
            Memory = _options.Memory,
            MemorySwap = _options.MemorySwap,
            CpuShares = _options.CpuShares,
            CpusetCpus = _options.CpusetCpus,
            CpusetMems = _options.CpusetMems,
            CpuPeriod = _options.CpuPeriod,
            CpuQuota = _options.CpuQuota,
        };
        var created = await _containers.CreateAsync(new CreateContainerRequest { Config = config, HostConfig = hostConfig }, cancellationToken).ConfigureAwait(false);
        foreach (var warning in created.Warnings)
        {
            await WriteAsync($" ---> [Warning] {warning}\n").ConfigureAwait(false);
        }
        _tmpContainers.Add(created.Id);
        await WriteAsync($" ---> Running in {ShortId(created.Id)}\n").ConfigureAwait(false);

        int exitCode;
        var attachment = await _containers.AttachAsync(created.Id, new AttachOptions { Stdout = true, Stderr = true, Stream = true }, cancellationToken).ConfigureAwait(false);
        var pump = PumpOutputAsync(attachment, cancellationToken);
        try
        {
            await _containers.StartAsync(created.Id, null, cancellationToken).ConfigureAwait(false);
            exitCode = await _containers.WaitAsync(created.Id, cancellationToken).ConfigureAwait(false);
            // The output ends when the process has exited: all of it is reported before the step's result.
            await pump.ConfigureAwait(false);
        }
        catch
        {
            try
            {
                await _containers.KillAsync(created.Id, null, CancellationToken.None).ConfigureAwait(false);
            }
            catch (EngineException)
            {
                // Not running (never started, or already gone).
            }
            throw;
        }
        finally
        {
            await attachment.DisposeAsync().ConfigureAwait(false);
            await pump.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
        if (exitCode != 0)
        {
            throw new BuildStepException($"The command '{string.Join(' ', command)}' returned a non-zero code: {exitCode}", exitCode);
        }
        var rw = _layers.GetReadWriteLayer(created.Id);
        var image = await _images.CommitAsync(rw, ImageConfig(), null, NullIfEmpty(_maintainer), null, null, created.Id, key, _image, cancellationToken).ConfigureAwait(false);
        _image = image.Id;
    }

    private async Task PumpOutputAsync(IContainerAttachment attachment, CancellationToken cancellationToken)
    {
        // One decoder for the whole output: a character split across chunks is not mangled.
        var decoder = Encoding.UTF8.GetDecoder();
        await foreach (var chunk in attachment.ReadOutputAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_options.Quiet || chunk.Data.Length == 0)
            {
                continue;
            }
            var chars = new char[decoder.GetCharCount(chunk.Data.Span, flush: false)];
            var n = decoder.GetChars(chunk.Data.Span, chars, flush: false);
            if (n > 0)
            {
                await WriteAsync(new string(chars, 0, n)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The running config with the step's command: the cache key and the committed image's ContainerConfig.</summary>
    private ContainerConfig StepConfig(List<string> cmd)
    {
        var key = _config.Clone();
        key.Image = _image ?? "";
        key.Cmd = cmd;
        return key;
    }

    /// <summary>What the new image runs by default: the running config, its parent as Image.</summary>
    private ContainerConfig ImageConfig()
    {
        var config = _config.Clone();
        config.Image = _image ?? "";
        return config;
    }

    /// <summary>
    /// Docker's ImageGetCached: an image whose parent is the current image and whose ContainerConfig equals the
    /// step's config (newest first when several do). Never with NoCache.
    /// </summary>
    private async Task<bool> ProbeCacheAsync(ContainerConfig key)
    {
        if (_options.NoCache)
        {
            return false;
        }
        var hit = _images.List()
            .Where(i => (i.Parent ?? "") == (_image ?? "") && i.ContainerConfig is { } cc && BuildCache.Matches(cc, key))
            .OrderByDescending(i => i.Created)
            .FirstOrDefault();
        if (hit is null)
        {
            return false;
        }
        await WriteAsync(" ---> Using cache\n").ConfigureAwait(false);
        _image = hit.Id;
        return true;
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
