using Engine.Core.Containers;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Engine.TestKit;

namespace Engine.Core.Tests.Sandbox;

/// <summary>HostConfig.LogConfig: json-file (read by logs), none (nothing kept), unknown drivers refused.</summary>
[Trait("Category", "Root")]
public sealed class LogDriverTests
{
    [Fact]
    public async Task With_the_none_driver_nothing_is_logged_and_logs_says_why()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        await using var box = await sandbox.RunAsync("busybox", ["echo", "hi"], (_, h) => h.LogConfig = new LogConfig { Type = "none" });
        var result = await box.WaitAsync();
        Assert.Equal("hi\n", result.Stdout);
        var details = await sandbox.Engine.Containers.InspectAsync(box.Id);
        Assert.False(File.Exists(details.LogPath));
        var e = Assert.Throws<EngineException>(() => sandbox.Engine.Containers.LogsAsync(box.Id, new LogsOptions { Stdout = true }));
        Assert.Equal("\"logs\" command is supported only for \"json-file\" logging driver (got: none)", e.Message);
    }

    [Fact]
    public async Task The_json_file_driver_keeps_what_logs_reads()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        await using var box = await sandbox.RunAsync("busybox", ["echo", "kept"], (_, h) => h.LogConfig = new LogConfig { Type = "json-file" });
        await box.WaitAsync();
        var lines = new List<string>();
        await foreach (var entry in sandbox.Engine.Containers.LogsAsync(box.Id, new LogsOptions { Stdout = true }))
        {
            lines.Add(System.Text.Encoding.UTF8.GetString(entry.Data.Span));
        }
        Assert.Equal(["kept\n"], lines);
    }

    [Fact]
    public async Task An_unknown_driver_is_refused_at_create()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        var e = await Assert.ThrowsAsync<EngineException>(() => sandbox.Engine.Containers.CreateAsync(new CreateContainerRequest
        {
            Config = new ContainerConfig { Image = "busybox", Cmd = ["true"] },
            HostConfig = new HostConfig { LogConfig = new LogConfig { Type = "bogus" } },
        }));
        Assert.Equal("Failed to get logging factory: logger: no log driver named 'bogus' is registered", e.Message);
        Assert.Empty(await sandbox.Engine.Containers.ListAsync(new ListContainersOptions { All = true }));
    }
}
