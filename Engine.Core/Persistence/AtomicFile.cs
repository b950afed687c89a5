namespace Engine.Core.Persistence;

/// <summary>Writes a file so that readers see the old or the new content, never a part: temp name, flush, rename.</summary>
internal static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var temp = $"{path}.tmp-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    public static void WriteAllText(string path, string content) => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(content));
}
