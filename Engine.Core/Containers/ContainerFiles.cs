using System.Text;
using Engine.Core.Runtime;
using Engine.Storage.Errors;

namespace Engine.Core.Containers;

/// <summary>The files Docker provides in every container: /etc/hostname, /etc/hosts, /etc/resolv.conf.</summary>
internal static class ContainerFiles
{
    public static string HostnamePath(Container c) => Path.Combine(c.Directory, "hostname");
    public static string HostsPath(Container c) => Path.Combine(c.Directory, "hosts");
    public static string ResolvConfPath(Container c) => Path.Combine(c.Directory, "resolv.conf");

    /// <summary>Writes the files for a start and returns the mounts that put them in place.</summary>
    public static List<MountSpec> Write(Container container)
    {
        var record = container.Record;
        var host = record.HostConfig.NetworkMode == "host";
        var hostname = record.Config.Hostname;
        File.WriteAllText(HostnamePath(container), hostname + "\n");
        File.WriteAllText(HostsPath(container), Hosts(record, host));
        File.WriteAllText(ResolvConfPath(container), ResolvConf(record.HostConfig));
        var mounts = new List<MountSpec>
        {
            new(ResolvConfPath(container), "/etc/resolv.conf", "bind", ["rbind", "rprivate"]),
            new(HostnamePath(container), "/etc/hostname", "bind", ["rbind", "rprivate"]),
            new(HostsPath(container), "/etc/hosts", "bind", ["rbind", "rprivate"]),
        };
        return mounts;
    }

    private static string Hosts(ContainerRecord record, bool host)
    {
        if (host && File.Exists("/etc/hosts"))
        {
            var hostHosts = File.ReadAllText("/etc/hosts");
            return ExtraHosts(hostHosts, record);
        }
        var sb = new StringBuilder();
        sb.Append("127.0.0.1\tlocalhost\n");
        sb.Append("::1\tlocalhost ip6-localhost ip6-loopback\n");
        sb.Append("fe00::0\tip6-localnet\n");
        sb.Append("ff00::0\tip6-mcastprefix\n");
        sb.Append("ff02::1\tip6-allnodes\n");
        sb.Append("ff02::2\tip6-allrouters\n");
        return ExtraHosts(sb.ToString(), record);
    }

    private static string ExtraHosts(string hosts, ContainerRecord record)
    {
        var sb = new StringBuilder(hosts);
        if (sb.Length > 0 && sb[^1] != '\n')
        {
            sb.Append('\n');
        }
        foreach (var entry in record.HostConfig.ExtraHosts ?? [])
        {
            var colon = entry.IndexOf(':');
            if (colon <= 0)
            {
                throw EngineException.Invalid($"invalid argument \"{entry}\" for add-host: bad format for add-host: \"{entry}\"");
            }
            sb.Append(entry[(colon + 1)..]).Append('\t').Append(entry[..colon]).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The host's resolv.conf without localhost name servers (unreachable from a container), with the container's overrides.</summary>
    private static string ResolvConf(HostConfig hostConfig)
    {
        var lines = File.Exists("/etc/resolv.conf") ? File.ReadAllLines("/etc/resolv.conf").ToList() : [];
        if (hostConfig.NetworkMode != "host")
        {
            lines.RemoveAll(l => l.StartsWith("nameserver", StringComparison.Ordinal)
                && (l.Contains(" 127.", StringComparison.Ordinal) || l.Contains(" ::1", StringComparison.Ordinal)));
        }
        if (hostConfig.Dns is { Count: > 0 } dns)
        {
            lines.RemoveAll(l => l.StartsWith("nameserver", StringComparison.Ordinal));
            lines.AddRange(dns.Select(d => $"nameserver {d}"));
        }
        if (hostConfig.DnsSearch is { Count: > 0 } search)
        {
            lines.RemoveAll(l => l.StartsWith("search", StringComparison.Ordinal) || l.StartsWith("domain", StringComparison.Ordinal));
            var domains = search.Where(s => s != ".").ToList();
            if (domains.Count > 0)
            {
                lines.Add("search " + string.Join(' ', domains));
            }
        }
        if (!lines.Any(l => l.StartsWith("nameserver", StringComparison.Ordinal)))
        {
            lines.Add("nameserver 8.8.8.8");
            lines.Add("nameserver 8.8.4.4");
        }
        return string.Join('\n', lines) + "\n";
    }
}
