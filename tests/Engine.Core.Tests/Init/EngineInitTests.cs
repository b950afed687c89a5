using System.Diagnostics;
using Engine.Core.Runtime;
using Engine.TestKit;

namespace Engine.Core.Tests.Init;

/// <summary>
/// engine-init on its own, driven over its control socket (no engine). Needs root: exec mode still sets groups,
/// uid and capabilities; container mode mounts inside `unshare`d namespaces, which vanish with the init.
/// </summary>
[Trait("Category", "Root")]
public sealed class EngineInitTests : IDisposable
{
    private static readonly List<string> DockerDefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    private readonly string _rootFs = TestPaths.NewTempDir("init-rootfs");

    private readonly List<string> _hostFiles = [];

    public void Dispose()
    {
        Directory.Delete(_rootFs, recursive: true);
        foreach (var path in _hostFiles)
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Exec_runs_the_command_and_closes_the_control_socket()
    {
        var result = InitHarness.Run(ExecSpec("/bin/sh", "-c", "echo hello; exit 3"), inNewNamespaces: false);

        Assert.Equal(["ready"], result.Messages.Select(m => m.Type));
        Assert.Equal("hello\n", result.Output);
        Assert.Equal(3, result.ExitCode);
    }

    [Fact]
    public void Exec_reports_a_command_missing_from_PATH_as_Docker_does()
    {
        var result = InitHarness.Run(ExecSpec("no-such-command"), inNewNamespaces: false);

        Assert.Equal(127, result.ExitCode);
        var error = Assert.Single(result.Messages, m => m.Type == "error");
        Assert.Equal("exec: \"no-such-command\": executable file not found in $PATH", error.Message);
    }

    [Fact]
    public void Exec_joins_the_mount_namespace_it_is_given_from_its_multithreaded_runtime()
    {
        var spec = ExecSpec("/bin/sh", "-c", "echo joined");
        spec.MountNamespace = "/proc/self/ns/mnt";

        var result = InitHarness.Run(spec, inNewNamespaces: false);

        Assert.Equal("joined\n", result.Output);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Exec_reports_a_missing_path_as_Docker_does()
    {
        var result = InitHarness.Run(ExecSpec("/no/such/file"), inNewNamespaces: false);

        Assert.Equal("exec: \"/no/such/file\": stat /no/such/file: no such file or directory", result.Messages[^1].Message);
        Assert.Equal(127, result.ExitCode);
    }

    [Fact]
    public void Container_runs_as_pid_1_with_hostname_user_and_capabilities()
    {
        CreateRootFs();
        var spec = ContainerSpec("sh", "-c", "echo $$; hostname; id; grep CapEff /proc/self/status; ls /dev; cat /etc/note");
        spec.Process.User = "app";
        spec.Mounts.Add(new InitMount { Source = WriteHostFile("note", "from the host\n"), Target = "/etc/note", Type = "bind", Options = ["rbind", "ro"] });

        var result = InitHarness.Run(spec, inNewNamespaces: true);

        Assert.True(result.ExitCode == 0, result.Output + string.Join(",", result.Messages.Select(m => m.Message)));
        var lines = result.Output.Split('\n');
        Assert.Equal("1", lines[0]);
        Assert.Equal("c1", lines[1]);
        Assert.Equal("uid=1000(app) gid=1000(app) groups=1001(extra)", lines[2]);
        Assert.Equal("CapEff:\t0000000000000000", lines[3]);
        foreach (var device in new[] { "null", "zero", "full", "random", "urandom", "tty", "pts", "shm", "mqueue", "ptmx", "fd" })
        {
            Assert.Contains(device, lines);
        }
        Assert.Contains("from the host", lines);
    }

    [Fact]
    public void Container_root_keeps_only_the_given_capabilities()
    {
        CreateRootFs();
        var result = InitHarness.Run(ContainerSpec("sh", "-c", "grep -E 'Cap(Eff|Bnd)' /proc/self/status"), inNewNamespaces: true);

        Assert.Equal("CapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb\n", result.Output);
    }

    [Theory]
    [InlineData("", "uid=0(root) gid=0(root) HOME=/root")]
    [InlineData("app", "uid=1000(app) gid=1000(app) groups=1001(extra) HOME=/home/app")]
    [InlineData("1000", "uid=1000(app) gid=1000(app) groups=1001(extra) HOME=/home/app")]
    [InlineData("app:extra", "uid=1000(app) gid=1001(extra) HOME=/home/app")]
    [InlineData("1000:0", "uid=1000(app) gid=0(root) HOME=/home/app")]
    [InlineData("4242", "uid=4242 gid=0(root) HOME=/")]
    [InlineData("4242:4343", "uid=4242 gid=4343 HOME=/")]
    public void Container_resolves_the_user_as_Docker_does(string user, string expected)
    {
        CreateRootFs();
        var spec = ContainerSpec("sh", "-c", "echo $(id) HOME=$HOME");
        spec.Process.User = user;

        var result = InitHarness.Run(spec, inNewNamespaces: true);

        Assert.Equal(expected + "\n", result.Output);
    }

    [Fact]
    public void Container_process_starts_with_no_ignored_or_blocked_signals()
    {
        CreateRootFs();
        // grep itself as PID 1: busybox sh would ignore SIGQUIT on its own.
        var result = InitHarness.Run(ContainerSpec("grep", "-E", "Sig(Ign|Blk)", "/proc/self/status"), inNewNamespaces: true);

        Assert.Equal("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n", result.Output);
    }

    [Fact]
    public void Container_masks_and_protects_proc_and_sys_unless_privileged()
    {
        CreateRootFs();
        const string script = "mount | grep -E ' on /(sys|proc/sys|proc/keys) '";

        var confined = InitHarness.Run(ContainerSpec("sh", "-c", script), inNewNamespaces: true);
        var privilegedSpec = ContainerSpec("sh", "-c", script);
        privilegedSpec.Privileged = true;
        var privileged = InitHarness.Run(privilegedSpec, inNewNamespaces: true);

        Assert.Contains("sysfs on /sys type sysfs (ro,", confined.Output, StringComparison.Ordinal);
        Assert.Contains("proc on /proc/sys type proc (ro,", confined.Output, StringComparison.Ordinal);
        Assert.Contains(" on /proc/keys ", confined.Output, StringComparison.Ordinal);
        Assert.Contains("sysfs on /sys type sysfs (rw,", privileged.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("/proc/sys ", privileged.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Container_mount_target_never_follows_a_symlink_out_of_the_root()
    {
        CreateRootFs();
        string name = "engine-init-escape-" + Guid.NewGuid().ToString("N")[..8];
        File.CreateSymbolicLink(Path.Combine(_rootFs, "escape"), "../../../../../../tmp");
        var spec = ContainerSpec("cat", "/escape/" + name);
        spec.Mounts.Add(new InitMount { Source = WriteHostFile("escape", "inside\n"), Target = "/escape/" + name, Type = "bind", Options = ["rbind"] });

        var result = InitHarness.Run(spec, inNewNamespaces: true);

        Assert.Equal("inside\n", result.Output);
        Assert.False(File.Exists("/tmp/" + name));
        Assert.True(File.Exists(Path.Combine(_rootFs, "tmp", name)));
    }

    [Fact]
    public void Container_with_tty_gets_a_pty_of_its_own_devpts_as_controlling_terminal()
    {
        CreateRootFs();
        var spec = ContainerSpec("sh", "-c", "tty; stty size; ls -l /proc/self/fd/0 | grep -o '/dev/.*'");
        spec.Process.Tty = true;
        spec.Process.TtyRows = 33;
        spec.Process.TtyColumns = 101;

        var result = InitHarness.Run(spec, inNewNamespaces: true);

        Assert.Equal(["pty", "ready"], result.Messages.Select(m => m.Type));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("/dev/pts/0\r\n33 101\r\n/dev/pts/0\r\n", result.TtyOutput);
    }

    [Fact]
    public void Container_reports_an_unknown_user_as_Docker_does()
    {
        CreateRootFs();
        var spec = ContainerSpec("id");
        spec.Process.User = "bob";

        var result = InitHarness.Run(spec, inNewNamespaces: true);

        Assert.Equal("unable to find user bob: no matching entries in passwd file", result.Messages[^1].Message);
        Assert.Equal(127, result.ExitCode);
    }

    private InitSpec ExecSpec(params string[] args) => new()
    {
        Mode = "exec",
        Capabilities = DockerDefaultCapabilities,
        Process = new InitProcess { Args = [.. args], Env = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], Cwd = "/" },
    };

    private InitSpec ContainerSpec(params string[] args)
    {
        var spec = ExecSpec(args);
        spec.Mode = "container";
        spec.RootFs = _rootFs;
        spec.Hostname = "c1";
        return spec;
    }

    private string WriteHostFile(string name, string content)
    {
        string path = _rootFs + "-" + name;
        File.WriteAllText(path, content);
        _hostFiles.Add(path);
        return path;
    }

    private void CreateRootFs()
    {
        const string busybox = "/bin/busybox";
        if (!File.Exists(busybox))
        {
            throw new InvalidOperationException($"{busybox} is missing: apt-get install busybox-static");
        }
        Directory.CreateDirectory(Path.Combine(_rootFs, "bin"));
        Directory.CreateDirectory(Path.Combine(_rootFs, "etc"));
        File.Copy(busybox, Path.Combine(_rootFs, "bin/busybox"));
        var list = Process.Start(new ProcessStartInfo(busybox, "--list") { RedirectStandardOutput = true })!;
        foreach (var applet in list.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (applet != "busybox")
            {
                File.CreateSymbolicLink(Path.Combine(_rootFs, "bin", applet), "busybox");
            }
        }
        list.WaitForExit();
        File.WriteAllText(Path.Combine(_rootFs, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n");
        Directory.CreateDirectory(Path.Combine(_rootFs, "root"));
        File.WriteAllText(Path.Combine(_rootFs, "etc/group"), "root:x:0:\napp:x:1000:\nextra:x:1001:app\n");
    }
}
