namespace Engine.Core.Networking;

/// <summary>Docker 1.7's legacy links: the environment a container gets for each linked container.</summary>
public static class LinkEnvironment
{
    /// <summary>
    /// ALIAS_NAME=/parent/alias; for each exposed port ALIAS_PORT_80_TCP=tcp://ip:80 with _ADDR, _PORT, _PROTO, and
    /// ALIAS_PORT for the first one; ALIAS_ENV_KEY=value for the linked container's Env (but HOME and PATH).
    /// </summary>
    public static List<string> Build(string parentName, string alias, string ip, IEnumerable<string> exposedPorts, IEnumerable<string> childEnv)
    {
        var prefix = alias.ToUpperInvariant().Replace('-', '_');
        var env = new List<string> { $"{prefix}_NAME=/{parentName.TrimStart('/')}/{alias}" };
        var ports = exposedPorts.Select(PortSpec.Parse).Distinct().OrderBy(p => p, Comparer<PortSpec>.Create(PortSpec.Compare)).ToList();
        if (ports.Count > 0)
        {
            env.Add($"{prefix}_PORT={ports[0].Proto}://{ip}:{ports[0].Port}");
        }
        foreach (var p in ports)
        {
            var name = $"{prefix}_PORT_{p.Port}_{p.Proto.ToUpperInvariant()}";
            env.Add($"{name}={p.Proto}://{ip}:{p.Port}");
            env.Add($"{name}_ADDR={ip}");
            env.Add($"{name}_PORT={p.Port}");
            env.Add($"{name}_PROTO={p.Proto}");
        }
        foreach (var entry in childEnv)
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0 || entry[..eq] is "HOME" or "PATH")
            {
                continue;
            }
            env.Add($"{prefix}_ENV_{entry[..eq]}={entry[(eq + 1)..]}");
        }
        return env;
    }
}
