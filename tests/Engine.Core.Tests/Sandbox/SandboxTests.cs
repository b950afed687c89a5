using Engine.Core.Sandbox;
using Engine.TestKit;

namespace Engine.Core.Tests.Sandbox;

/// <summary>A .NET test runs containers with the library alone: no daemon, no HTTP.</summary>
[Trait("Category", "Root")]
public sealed class SandboxTests
{
    [Fact]
    public async Task Runs_a_container_reads_its_output_and_cleans_up()
    {
        string root;
        string id;
        await using (var sandbox = await BusyboxSandbox.StartAsync())
        {
            root = ((Microsoft.Extensions.Options.IOptions<EngineOptions>)sandbox.Services.GetService(typeof(Microsoft.Extensions.Options.IOptions<EngineOptions>))!).Value.DataRoot;
            await using var box = await sandbox.RunAsync("busybox", ["sh", "-c", "echo hello; echo oops >&2; exit 3"]);
            id = box.Id;
            var result = await box.WaitAsync();
            Assert.Equal(3, result.ExitCode);
            Assert.Equal("hello\n", result.Stdout);
            Assert.Equal("oops\n", result.Stderr);
        }
        Assert.False(Directory.Exists(root));
        Assert.DoesNotContain(id, File.ReadAllText("/proc/self/mountinfo"));
    }

    [Fact]
    public async Task Stdin_reaches_the_process_and_its_end_closes_it()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        await using var box = await sandbox.RunAsync("busybox", ["cat"], (c, _) =>
        {
            c.OpenStdin = true;
            c.StdinOnce = true;
            c.AttachStdin = true;
        });
        await box.WriteStdinAsync("piped text\n");
        await box.CloseStdinAsync();
        var result = await box.WaitAsync();
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("piped text\n", result.Stdout);
    }
}
