using System.Diagnostics;

namespace Engine.Core.Networking;

/// <summary>
/// Runs the iptables CLI (the one process the engine runs on the host, as Docker does): -w waits for the xtables
/// lock, so engines side by side do not fail each other's changes.
/// </summary>
internal static class Iptables
{
    public static bool Available => File.Exists("/usr/sbin/iptables") || File.Exists("/sbin/iptables") || File.Exists("/usr/bin/iptables");

    public static async Task<(int ExitCode, string Error)> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("iptables")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-w");
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("iptables did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await stdout.ConfigureAwait(false);
        return (process.ExitCode, (await stderr.ConfigureAwait(false)).Trim());
    }

    /// <summary>Adds the rule (-I at the top, or -A) unless -C finds it; true when this call added it.</summary>
    public static async Task<bool> EnsureAsync(string table, string chain, IReadOnlyList<string> rule, bool insert, CancellationToken cancellationToken = default)
    {
        var (check, _) = await RunAsync(["-t", table, "-C", chain, .. rule], cancellationToken).ConfigureAwait(false);
        if (check == 0)
        {
            return false;
        }
        var (code, error) = await RunAsync(["-t", table, insert ? "-I" : "-A", chain, .. rule], cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            throw new IOException($"iptables -t {table} {(insert ? "-I" : "-A")} {chain} {string.Join(' ', rule)}: {error}");
        }
        return true;
    }

    /// <summary>Deletes every copy of the rule.</summary>
    public static async Task DeleteAsync(string table, string chain, IReadOnlyList<string> rule, CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < 16; i++)
        {
            var (code, _) = await RunAsync(["-t", table, "-D", chain, .. rule], cancellationToken).ConfigureAwait(false);
            if (code != 0)
            {
                return;
            }
        }
    }
}
