namespace Engine.Host;

/// <summary>The daemon's command line.</summary>
internal sealed class HostArguments
{
    public const string Usage = """
        Usage: engine [OPTIONS]

        A container engine serving the Docker Remote API v1.19.

        Options:
          -H, --host list           Socket(s) to listen on: unix:///path or tcp://addr:port
                                    (repeatable; default unix:///var/run/engine.sock)
              --data-root string    Persistent state (default /var/lib/engine)
              --exec-root string    Run-time state (default /run/engine)
          -s, --storage-driver string  Graph driver (overlay, vfs; default: overlay when supported)
              --cgroup-parent string  Cgroup path of the containers' cgroups under each hierarchy (default engine)
          -b, --bridge string       Bridge of the default network (default engine0; "none": no bridge networking)
              --bip string          The bridge's address and subnet, CIDR (default 172.29.0.1/16 or a free private range)
              --mtu int             MTU of the bridge and the containers' eth0 (default 0: the kernel's 1500)
              --tls                 Serve tcp:// hosts over TLS (--tlscert, --tlskey)
              --tlsverify           TLS, and require client certificates signed by --tlscacert
              --tlscacert string    CA of the client certificates (PEM)
              --tlscert string      Server certificate (PEM)
              --tlskey string       Server key (PEM)
          -D, --debug               Debug logging
          -h, --help                Print this help
        """;

    public List<string> Hosts { get; } = [];
    public string DataRoot { get; private set; } = "/var/lib/engine";
    public string ExecRoot { get; private set; } = "/run/engine";
    public string? StorageDriver { get; private set; }
    public string Bridge { get; private set; } = "engine0";
    public string? BridgeIp { get; private set; }
    public int Mtu { get; private set; }
    public string CgroupParent { get; private set; } = "engine";
    public bool Debug { get; private set; }
    public bool Tls { get; private set; }
    public bool TlsVerify { get; private set; }
    public string? TlsCaCert { get; private set; }
    public string? TlsCert { get; private set; }
    public string? TlsKey { get; private set; }
    public bool Help { get; private set; }

    /// <summary>Parses "--flag value" and "--flag=value" forms; null with an error message for anything unknown.</summary>
    public static HostArguments? Parse(string[] args, out string? error)
    {
        var parsed = new HostArguments();
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? inline = null;
            var eq = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=') : -1;
            if (eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            string? Value()
            {
                if (inline is not null)
                {
                    return inline;
                }
                if (i + 1 < args.Length)
                {
                    return args[++i];
                }
                return null;
            }
            switch (arg)
            {
                case "-H" or "--host":
                    if (Value() is not { Length: > 0 } host)
                    {
                        error = $"flag needs an argument: {arg}";
                        return null;
                    }
                    parsed.Hosts.Add(host);
                    break;
                case "--cgroup-parent":
                    if (Value() is not { Length: > 0 } cgroupParent)
                    {
                        error = $"flag needs an argument: {arg}";
                        return null;
                    }
                    parsed.CgroupParent = cgroupParent.Trim('/');
                    break;
                case "--data-root" or "--exec-root" or "-s" or "--storage-driver":
                    if (Value() is not { Length: > 0 } value)
                    {
                        error = $"flag needs an argument: {arg}";
                        return null;
                    }
                    if (arg == "--data-root")
                    {
                        parsed.DataRoot = Path.GetFullPath(value);
                    }
                    else if (arg == "--exec-root")
                    {
                        parsed.ExecRoot = Path.GetFullPath(value);
                    }
                    else
                    {
                        parsed.StorageDriver = value;
                    }
                    break;
                case "-b" or "--bridge" or "--bip" or "--mtu":
                    if (Value() is not { Length: > 0 } netValue)
                    {
                        error = $"flag needs an argument: {arg}";
                        return null;
                    }
                    if (arg == "--bip")
                    {
                        parsed.BridgeIp = netValue;
                    }
                    else if (arg == "--mtu")
                    {
                        if (!int.TryParse(netValue, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var mtu))
                        {
                            error = $"invalid argument \"{netValue}\" for --mtu";
                            return null;
                        }
                        parsed.Mtu = mtu;
                    }
                    else
                    {
                        parsed.Bridge = netValue;
                    }
                    break;
                case "--tls" or "--tlsverify":
                    var on = inline is null || inline is "true" or "1";
                    if (arg == "--tls")
                    {
                        parsed.Tls = on;
                    }
                    else
                    {
                        parsed.TlsVerify = on;
                    }
                    break;
                case "--tlscacert" or "--tlscert" or "--tlskey":
                    if (Value() is not { Length: > 0 } file)
                    {
                        error = $"flag needs an argument: {arg}";
                        return null;
                    }
                    if (arg == "--tlscacert")
                    {
                        parsed.TlsCaCert = Path.GetFullPath(file);
                    }
                    else if (arg == "--tlscert")
                    {
                        parsed.TlsCert = Path.GetFullPath(file);
                    }
                    else
                    {
                        parsed.TlsKey = Path.GetFullPath(file);
                    }
                    break;
                case "-D" or "--debug":
                    parsed.Debug = inline is null || inline is "true" or "1";
                    break;
                case "-h" or "--help":
                    parsed.Help = true;
                    break;
                default:
                    error = $"unknown flag: {args[i]}";
                    return null;
            }
        }
        if ((parsed.Tls || parsed.TlsVerify) && (parsed.TlsCert is null || parsed.TlsKey is null))
        {
            error = "--tls and --tlsverify need --tlscert and --tlskey";
            return null;
        }
        if (parsed.TlsVerify && parsed.TlsCaCert is null)
        {
            error = "--tlsverify needs --tlscacert";
            return null;
        }
        if (parsed.Hosts.Count == 0)
        {
            parsed.Hosts.Add("unix:///var/run/engine.sock");
        }
        foreach (var host in parsed.Hosts)
        {
            if (ListenAddress.TryParse(host, out _) is false)
            {
                error = $"invalid --host {host}: expected unix:///path or tcp://addr:port";
                return null;
            }
        }
        return parsed;
    }
}
