using Engine.Init.Interop;

namespace Engine.Init;

/// <summary>Docker/OCI mount options split into mount(2) flags, propagation flags and file system data.</summary>
internal readonly record struct MountOptions(ulong Flags, ulong Propagation, string Data, bool Bind, bool Recursive)
{
    public static MountOptions Parse(IEnumerable<string> options, string type)
    {
        ulong flags = 0, propagation = 0;
        bool bind = type == "bind", recursive = false;
        var data = new List<string>();
        foreach (var option in options)
        {
            switch (option)
            {
                case "bind": bind = true; break;
                case "rbind": bind = true; recursive = true; break;
                case "ro": flags |= Sys.MS_RDONLY; break;
                case "rw": flags &= ~Sys.MS_RDONLY; break;
                case "nosuid": flags |= Sys.MS_NOSUID; break;
                case "suid": flags &= ~Sys.MS_NOSUID; break;
                case "nodev": flags |= Sys.MS_NODEV; break;
                case "dev": flags &= ~Sys.MS_NODEV; break;
                case "noexec": flags |= Sys.MS_NOEXEC; break;
                case "exec": flags &= ~Sys.MS_NOEXEC; break;
                case "sync": flags |= Sys.MS_SYNCHRONOUS; break;
                case "async": flags &= ~Sys.MS_SYNCHRONOUS; break;
                case "dirsync": flags |= Sys.MS_DIRSYNC; break;
                case "noatime": flags |= Sys.MS_NOATIME; break;
                case "atime": flags &= ~Sys.MS_NOATIME; break;
                case "nodiratime": flags |= Sys.MS_NODIRATIME; break;
                case "diratime": flags &= ~Sys.MS_NODIRATIME; break;
                case "relatime": flags |= Sys.MS_RELATIME; break;
                case "norelatime": flags &= ~Sys.MS_RELATIME; break;
                case "strictatime": flags |= Sys.MS_STRICTATIME; break;
                case "nostrictatime": flags &= ~Sys.MS_STRICTATIME; break;
                case "mand": flags |= Sys.MS_MANDLOCK; break;
                case "nomand": flags &= ~Sys.MS_MANDLOCK; break;
                case "private": propagation = Sys.MS_PRIVATE; break;
                case "rprivate": propagation = Sys.MS_PRIVATE | Sys.MS_REC; break;
                case "slave": propagation = Sys.MS_SLAVE; break;
                case "rslave": propagation = Sys.MS_SLAVE | Sys.MS_REC; break;
                case "shared": propagation = Sys.MS_SHARED; break;
                case "rshared": propagation = Sys.MS_SHARED | Sys.MS_REC; break;
                case "unbindable": propagation = Sys.MS_UNBINDABLE; break;
                case "runbindable": propagation = Sys.MS_UNBINDABLE | Sys.MS_REC; break;
                case "": break;
                default: data.Add(option); break;
            }
        }
        return new MountOptions(flags, propagation, string.Join(',', data), bind, recursive);
    }
}
