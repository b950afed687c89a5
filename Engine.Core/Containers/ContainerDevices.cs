using Engine.Core.Runtime;
using Engine.Storage.Errors;

namespace Engine.Core.Containers;

/// <summary>HostConfig.Devices and Ulimits turned into what the runtime applies.</summary>
internal static class ContainerDevices
{
    /// <summary>Each device becomes a bind of the host's node into the container's /dev and a device cgroup rule.</summary>
    public static (List<MountSpec> Mounts, List<string> Rules) Resolve(IReadOnlyList<DeviceMapping>? devices)
    {
        var mounts = new List<MountSpec>();
        var rules = new List<string>();
        foreach (var device in devices ?? [])
        {
            var host = device.PathOnHost;
            var target = string.IsNullOrEmpty(device.PathInContainer) ? host : device.PathInContainer;
            var permissions = string.IsNullOrEmpty(device.CgroupPermissions) ? "rwm" : device.CgroupPermissions;
            if (!host.StartsWith('/') || !target.StartsWith('/') || permissions.Any(c => c is not ('r' or 'w' or 'm')))
            {
                throw EngineException.Invalid($"invalid device mapping {host}:{target}:{permissions}");
            }
            (char Type, uint Major, uint Minor)? numbers;
            try
            {
                numbers = Interop.Interop.DeviceNumbers(host);
            }
            catch (IOException e)
            {
                throw new EngineException(ErrorKind.InvalidParameter, $"error gathering device information while adding custom device \"{host}\": {e.Message}", e);
            }
            if (numbers is not { } n)
            {
                throw EngineException.Invalid($"error gathering device information while adding custom device \"{host}\": not a device node");
            }
            mounts.Add(new MountSpec(host, target, "bind", ["bind", "rprivate"]));
            rules.Add($"{n.Type} {n.Major}:{n.Minor} {permissions}");
        }
        return (mounts, rules);
    }

    public static List<RlimitSpec> Rlimits(IReadOnlyList<Ulimit>? ulimits) =>
        (ulimits ?? []).Where(u => !string.IsNullOrEmpty(u.Name))
            .Select(u => new RlimitSpec(u.Name, (ulong)u.Soft, (ulong)u.Hard)).ToList();
}
