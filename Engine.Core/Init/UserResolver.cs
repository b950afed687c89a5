using System.Globalization;

namespace Engine.Init;

/// <summary>
/// Resolves Docker's User ("", "name", "uid", "uid:gid", "name:group", "uid:group") against the container's
/// /etc/passwd and /etc/group, with the rules of runc's GetExecUser: a numeric user is always a uid and may lack
/// a passwd entry; supplementary groups come from /etc/group only when no group was given.
/// </summary>
internal static class UserResolver
{
    private const long MaxId = int.MaxValue;

    private sealed record PasswdEntry(string Name, long Uid, long Gid, string Home);

    private sealed record GroupEntry(string Name, long Gid, string[] Members);

    /// <param name="userSpec">Docker's User string.</param>
    /// <param name="passwd">Contents of /etc/passwd, or null when the file does not exist.</param>
    /// <param name="group">Contents of /etc/group, or null when the file does not exist.</param>
    public static ExecUser Resolve(string userSpec, string? passwd, string? group)
    {
        int colon = userSpec.IndexOf(':', StringComparison.Ordinal);
        string userArg = colon < 0 ? userSpec : userSpec[..colon];
        string groupArg = colon < 0 ? "" : userSpec[(colon + 1)..];
        bool userNumeric = TryParseId(userArg, out long uidArg);
        bool groupNumeric = TryParseId(groupArg, out long gidArg);

        long uid = 0, gid = 0;
        string home = "/";
        string? matchedName = null;

        var users = ParsePasswd(passwd).Where(u =>
            userArg.Length == 0 ? u.Uid == 0 :
            userNumeric ? u.Uid == uidArg :
            u.Name == userArg);
        var user = users.FirstOrDefault();
        if (user is not null)
        {
            matchedName = user.Name;
            uid = user.Uid;
            gid = user.Gid;
            home = user.Home;
        }
        else if (userArg.Length != 0)
        {
            if (!userNumeric)
            {
                throw new InitException($"unable to find user {userArg}: no matching entries in passwd file");
            }
            uid = uidArg;
            CheckRange(uid);
        }

        var supplementary = new List<uint>();
        if (groupArg.Length != 0 || matchedName is not null)
        {
            var groups = ParseGroup(group).Where(g =>
                groupArg.Length == 0 ? g.Members.Contains(matchedName) :
                groupNumeric ? g.Gid == gidArg :
                g.Name == groupArg).ToList();
            if (groupArg.Length != 0)
            {
                if (groups.Count > 0)
                {
                    gid = groups[0].Gid;
                }
                else
                {
                    if (!groupNumeric)
                    {
                        throw new InitException($"unable to find group {groupArg}: no matching entries in group file");
                    }
                    gid = gidArg;
                    CheckRange(gid);
                }
            }
            else
            {
                supplementary.AddRange(groups.Select(g => (uint)g.Gid));
            }
        }

        return new ExecUser((uint)uid, (uint)gid, home, supplementary);
    }

    private static void CheckRange(long id)
    {
        if (id is < 0 or > MaxId)
        {
            throw new InitException("uids and gids must be in range 0-2147483647");
        }
    }

    private static bool TryParseId(string text, out long value)
        => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    // Like runc's parseLine: missing fields are empty, unparsable numbers are 0, comments and blank lines skipped.
    private static IEnumerable<string[]> Lines(string? content)
    {
        if (content is null)
        {
            yield break;
        }
        foreach (var raw in content.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            yield return line.Split(':');
        }
    }

    private static string Field(string[] parts, int index) => index < parts.Length ? parts[index] : "";

    private static long Number(string[] parts, int index) => TryParseId(Field(parts, index), out long v) ? v : 0;

    private static IEnumerable<PasswdEntry> ParsePasswd(string? content)
        => Lines(content).Select(p => new PasswdEntry(Field(p, 0), Number(p, 2), Number(p, 3), Field(p, 5)));

    private static IEnumerable<GroupEntry> ParseGroup(string? content)
        => Lines(content).Select(p => new GroupEntry(
            Field(p, 0),
            Number(p, 2),
            Field(p, 3).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
}
