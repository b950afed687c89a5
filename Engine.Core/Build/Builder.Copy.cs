using System.Formats.Tar;
using Engine.Storage.Archive;
using Engine.Storage.Errors;

namespace Engine.Core.Build;

/// <summary>
/// ADD and COPY (Docker 1.7's runContextCommand): sources from the context (wildcards, directories, and for ADD
/// local archives extracted and http(s) URLs downloaded) copied into a read-write layer on the current image, owned
/// by root. The step's Cmd carries a hash of the sources, so the cache follows their content.
/// </summary>
internal sealed partial class Builder
{
    private const uint S_IFMT_DIR = 0x4000, S_IFMT_REG = 0x8000, S_IFMT_LNK = 0xA000;

    private sealed record CopyInfo(string Orig, string Source, string Dest, string Hash, bool Decompress, string BaseName);

    private async Task ContextCommandAsync(IReadOnlyList<string> args, string name, bool allowRemote, bool allowDecompression, CancellationToken cancellationToken)
    {
        if (args.Count < 2)
        {
            throw EngineException.Invalid($"{name} requires at least two arguments");
        }
        var dest = args[^1];
        var infos = new List<CopyInfo>();
        var downloads = new List<string>();
        try
        {
            foreach (var orig in args.Take(args.Count - 1))
            {
                await CalcCopyInfoAsync(infos, downloads, name, orig, dest, allowRemote, allowDecompression, cancellationToken).ConfigureAwait(false);
            }
            if (infos.Count == 0)
            {
                throw EngineException.Invalid("No source files were specified");
            }
            if (infos.Count > 1 && !dest.EndsWith('/'))
            {
                throw EngineException.Invalid($"When using {name} with more than one source file, the destination must be a directory and end with a /");
            }
            var hash = infos.Count == 1 ? infos[0].Hash : "multi:" + BuildContext.Sha256(string.Join(',', infos.Select(i => i.Hash)));
            await CommitStepAsync(["/bin/sh", "-c", $"#(nop) {name} {hash} in {dest}"], async (rootfs, ct) =>
            {
                foreach (var info in infos)
                {
                    await AddToRootAsync(rootfs, info, ct).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var download in downloads)
            {
                File.Delete(download);
            }
        }
    }

    private async Task CalcCopyInfoAsync(List<CopyInfo> infos, List<string> downloads, string name, string orig, string dest, bool allowRemote, bool allowDecompression, CancellationToken cancellationToken)
    {
        if (orig.Length > 1 && orig[0] == '/')
        {
            orig = orig[1..];
        }
        if (orig.StartsWith("./", StringComparison.Ordinal))
        {
            orig = orig[2..];
        }
        if (Uri.TryCreate(orig, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            if (!allowRemote)
            {
                throw EngineException.Invalid($"Source can't be a URL for {name}");
            }
            var file = await DownloadAsync(url, cancellationToken).ConfigureAwait(false);
            downloads.Add(file);
            var fileName = url.AbsolutePath.TrimEnd('/');
            fileName = fileName[(fileName.LastIndexOf('/') + 1)..];
            if (dest.EndsWith('/'))
            {
                if (fileName.Length == 0)
                {
                    throw EngineException.Invalid($"cannot determine filename from url: {url}");
                }
                dest += fileName;
            }
            infos.Add(new CopyInfo(orig, file, dest, BuildContext.Hash(file), Decompress: false, fileName));
            return;
        }
        if (BuildContext.ContainsWildcards(orig))
        {
            foreach (var path in _context.AllPaths())
            {
                if (BuildContext.GlobMatch(orig, path))
                {
                    await CalcCopyInfoAsync(infos, downloads, name, path, dest, allowRemote, allowDecompression, cancellationToken).ConfigureAwait(false);
                }
            }
            return;
        }
        var source = _context.Resolve(orig);
        if (!Path.Exists(source))
        {
            throw EngineException.Invalid($"{orig}: no such file or directory");
        }
        var baseName = DockerIgnore.CleanPath(orig);
        baseName = baseName[(baseName.LastIndexOf('/') + 1)..];
        infos.Add(new CopyInfo(orig, source, dest, BuildContext.Hash(source), allowDecompression, baseName));
    }

    /// <summary>Downloads to a file beside the context (mode 0600, mtime from Last-Modified as Docker 1.7 did).</summary>
    private async Task<string> DownloadAsync(Uri url, CancellationToken cancellationToken)
    {
        var path = _context.Root + "-remote-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
        using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode >= 400)
        {
            throw EngineException.Invalid($"Got HTTP status code >= 400: {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
            await using (file.ConfigureAwait(false))
            {
                await body.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }
        }
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetLastWriteTimeUtc(path, response.Content.Headers.LastModified?.UtcDateTime ?? DateTime.UnixEpoch);
        return path;
    }

    private async Task AddToRootAsync(string rootfs, CopyInfo info, CancellationToken cancellationToken)
    {
        var dest = info.Dest;
        var destIsDir = dest.EndsWith('/') || dest == ".";
        // Relative destinations are relative to WORKDIR (Docker 1.8 onwards; 1.7 took them from /).
        var absolute = dest.StartsWith('/') ? dest : (_config.WorkingDir.Length > 0 ? _config.WorkingDir : "/") + "/" + dest;
        var rel = DockerIgnore.CleanPath(absolute);

        if (Interop.Interop.FileType(info.Source) == S_IFMT_DIR)
        {
            CopyDirectory(info.Source, RootPath.Resolve(rootfs, rel, create: true));
            return;
        }
        if (info.Decompress && await IsArchiveAsync(info.Source, cancellationToken).ConfigureAwait(false))
        {
            var target = RootPath.Resolve(rootfs, rel, create: true);
            var file = File.OpenRead(info.Source);
            var (stream, _) = await Decompression.OpenAsync(file, leaveOpen: false, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await LayerApplier.ApplyAsync(stream, target, WhiteoutMode.None, cancellationToken).ConfigureAwait(false);
            }
            return;
        }
        var resolved = RootPath.Resolve(rootfs, rel, create: false);
        string destination;
        if (destIsDir || Directory.Exists(resolved))
        {
            destination = RootPath.Resolve(rootfs, rel, create: true) + "/" + info.BaseName;
        }
        else
        {
            // Every existing component was resolved inside the root; what is missing is created as plain directories.
            Directory.CreateDirectory(Path.GetDirectoryName(resolved)!);
            destination = resolved;
        }
        CopyEntry(info.Source, destination);
    }

    /// <summary>A directory's contents (not the directory itself) into <paramref name="target"/>, merged with what is there.</summary>
    private static void CopyDirectory(string source, string target)
    {
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            CopyEntry(entry.FullName, target + "/" + entry.Name);
        }
    }

    /// <summary>
    /// Copies one entry to <paramref name="destination"/>, whose parent is inside the root: whatever is there is
    /// replaced (never followed), unless both are directories. Modes and mtimes are kept, owner and group become root.
    /// </summary>
    private static void CopyEntry(string source, string destination)
    {
        var type = Interop.Interop.FileType(source);
        var existing = Path.Exists(destination) || new FileInfo(destination).LinkTarget is not null ? Interop.Interop.FileType(destination) : 0;
        if (existing != 0 && !(existing == S_IFMT_DIR && type == S_IFMT_DIR))
        {
            if (existing == S_IFMT_DIR)
            {
                Directory.Delete(destination, recursive: true);
            }
            else
            {
                File.Delete(destination);
            }
        }
        switch (type)
        {
            case S_IFMT_LNK:
                File.CreateSymbolicLink(destination, new FileInfo(source).LinkTarget!);
                Interop.Interop.LChown(destination, 0, 0);
                return;
            case S_IFMT_DIR:
                Directory.CreateDirectory(destination);
                CopyDirectory(source, destination);
                break;
            case S_IFMT_REG:
                File.Copy(source, destination, overwrite: false);
                break;
            default:
                // Devices, fifos and sockets of a context are not copied.
                return;
        }
        File.SetUnixFileMode(destination, File.GetUnixFileMode(source));
        Interop.Interop.LChown(destination, 0, 0);
        File.SetLastWriteTimeUtc(destination, File.GetLastWriteTimeUtc(source));
    }

    /// <summary>A tar (any supported compression) whose first header reads: ADD extracts it rather than copying it.</summary>
    private static async Task<bool> IsArchiveAsync(string path, CancellationToken cancellationToken)
    {
        var file = File.OpenRead(path);
        try
        {
            var (stream, _) = await Decompression.OpenAsync(file, leaveOpen: false, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var reader = new TarReader(stream, leaveOpen: true);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is not null;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
        finally
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }
    }
}
