using Engine.Storage.Images;

namespace Engine.Core.Build;

/// <summary>
/// When an earlier image can stand for a step (Docker 1.7's runconfig.Compare): same command, entrypoint, environment,
/// labels, exposed ports, volumes, user, working directory, ONBUILD triggers and stdio flags. Host-specific fields
/// (Hostname, Domainname, MacAddress) are not compared, as Docker did not.
/// </summary>
internal static class BuildCache
{
    public static bool Matches(ContainerConfig a, ContainerConfig b)
    {
        if (a.OpenStdin || b.OpenStdin)
        {
            return false;
        }
        return a.AttachStdout == b.AttachStdout
            && a.AttachStderr == b.AttachStderr
            && a.AttachStdin == b.AttachStdin
            && a.Tty == b.Tty
            && a.NetworkDisabled == b.NetworkDisabled
            && a.User == b.User
            && a.WorkingDir == b.WorkingDir
            && List(a.Cmd).SequenceEqual(List(b.Cmd), StringComparer.Ordinal)
            && List(a.Entrypoint).SequenceEqual(List(b.Entrypoint), StringComparer.Ordinal)
            && List(a.Env).SequenceEqual(List(b.Env), StringComparer.Ordinal)
            && List(a.OnBuild).SequenceEqual(List(b.OnBuild), StringComparer.Ordinal)
            && Keys(a.ExposedPorts).SequenceEqual(Keys(b.ExposedPorts), StringComparer.Ordinal)
            && Keys(a.Volumes).SequenceEqual(Keys(b.Volumes), StringComparer.Ordinal)
            && Pairs(a.Labels).SequenceEqual(Pairs(b.Labels), StringComparer.Ordinal);
    }

    private static IEnumerable<string> List(List<string>? values) => values ?? [];

    private static IEnumerable<string> Keys<T>(Dictionary<string, T>? map) => map is null ? [] : map.Keys.Order(StringComparer.Ordinal);

    private static IEnumerable<string> Pairs(Dictionary<string, string>? map) =>
        map is null ? [] : map.Select(p => p.Key + "=" + p.Value).Order(StringComparer.Ordinal);
}
