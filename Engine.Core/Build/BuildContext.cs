using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Engine.Storage.Archive;
using Engine.Storage.Errors;

namespace Engine.Core.Build;

/// <summary>
/// The build context unpacked in a private directory: the request's tar is applied with Engine.Storage's hostile-safe
/// extraction (no entry lands outside the directory, links are kept as links), .dockerignore'd entries are deleted,
/// and every later lookup resolves inside the directory the way a chrooted process would.
/// </summary>
internal sealed class BuildContext : IDisposable
{
    private BuildContext(string root) => Root = root;

    public string Root { get; }

    /// <summary>Unpacks <paramref name="archive"/> (any supported compression) into a new directory under <paramref name="parent"/>.</summary>
    public static async Task<BuildContext> ExtractAsync(Stream archive, string parent, CancellationToken cancellationToken)
    {
        var root = Path.Combine(parent, "build-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        Directory.CreateDirectory(root);
        var context = new BuildContext(root);
        try
        {
            var (stream, _) = await Decompression.OpenAsync(archive, leaveOpen: true, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await LayerApplier.ApplyAsync(stream, root, WhiteoutMode.None, cancellationToken).ConfigureAwait(false);
            }
            return context;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>The absolute path of a context path (symlinks followed inside the context).</summary>
    public string Resolve(string relative) => RootPath.Resolve(Root, relative, create: false);

    public bool Exists(string relative) => Path.Exists(Resolve(relative));

    /// <summary>Deletes what the patterns exclude (Docker 1.7's client never sent it; a context that has it anyway loses it here).</summary>
    public void ApplyIgnore(DockerIgnore ignore)
    {
        if (!ignore.IsEmpty)
        {
            Prune(Root, "", ignore);
        }
    }

    private static void Prune(string dir, string relDir, DockerIgnore ignore)
    {
        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
        {
            var rel = relDir.Length == 0 ? entry.Name : relDir + "/" + entry.Name;
            var isDir = entry is DirectoryInfo && entry.LinkTarget is null;
            if (isDir)
            {
                Prune(entry.FullName, rel, ignore);
                if (ignore.IsExcluded(rel) && !Directory.EnumerateFileSystemEntries(entry.FullName).Any())
                {
                    Directory.Delete(entry.FullName);
                }
            }
            else if (ignore.IsExcluded(rel))
            {
                File.Delete(entry.FullName);
            }
        }
    }

    /// <summary>Every entry's context path (directories and files, links not followed), sorted, as Docker's context sums list them.</summary>
    public IReadOnlyList<string> AllPaths()
    {
        var result = new List<string>();
        Walk(Root, "", result);
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    private static void Walk(string dir, string relDir, List<string> result)
    {
        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
        {
            var rel = relDir.Length == 0 ? entry.Name : relDir + "/" + entry.Name;
            result.Add(rel);
            if (entry is DirectoryInfo && entry.LinkTarget is null)
            {
                Walk(entry.FullName, rel, result);
            }
        }
    }

    /// <summary>
    /// The cache identity of a source, as Docker's Cmd shows it: "file:&lt;sha256&gt;" of a file's mode, mtime and content,
    /// "dir:&lt;sha256&gt;" over every entry below a directory (names, modes, link targets, contents).
    /// </summary>
    public static string Hash(string path)
    {
        var info = new FileInfo(path);
        if (Directory.Exists(path))
        {
            var lines = new List<string>();
            HashTree(path, "", lines);
            lines.Sort(StringComparer.Ordinal);
            return "dir:" + Sha256(string.Join(',', lines));
        }
        return "file:" + FileHash(info);
    }

    private static void HashTree(string dir, string relDir, List<string> lines)
    {
        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
        {
            var rel = relDir.Length == 0 ? entry.Name : relDir + "/" + entry.Name;
            if (entry.LinkTarget is { } target)
            {
                lines.Add($"{rel} link {target}");
            }
            else if (entry is DirectoryInfo)
            {
                lines.Add($"{rel} dir {Convert.ToString((int)entry.UnixFileMode, 8)}");
                HashTree(entry.FullName, rel, lines);
            }
            else
            {
                lines.Add($"{rel} {FileHash((FileInfo)entry)}");
            }
        }
    }

    private static string FileHash(FileInfo file)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{Convert.ToString((int)file.UnixFileMode, 8)} {new DateTimeOffset(file.LastWriteTimeUtc).ToUnixTimeSeconds()}\n"));
        if ((file.Attributes & FileAttributes.Device) == 0)
        {
            using var stream = file.OpenRead();
            var buffer = new byte[81920];
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, n);
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Go's path.Match has wildcards here: '*', '?', '[' not escaped by '\'.</summary>
    public static bool ContainsWildcards(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '\\')
            {
                i++;
            }
            else if (name[i] is '*' or '?' or '[')
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Go's path.Match: '*' and '?' never cross '/', [classes] with '^' or '!' negation, '\' escapes.</summary>
    public static bool GlobMatch(string pattern, string name) =>
        Glob.ToRegex(pattern, doubleStar: false) is { } regex
        && Regex.IsMatch(name, regex, RegexOptions.CultureInvariant | RegexOptions.Singleline);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temporary directory is harmless.
        }
    }
}
