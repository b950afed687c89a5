using Engine.Core.Containers;
using Engine.Core.Sandbox;
using Engine.TestKit;

namespace Engine.Core.Tests.Sandbox;

/// <summary>HostConfig.RestartPolicy: on-failure with a maximum, always until stopped.</summary>
[Trait("Category", "Root")]
public sealed class RestartPolicyTests
{
    private static async Task<ContainerDetails> WaitForAsync(EngineSandbox sandbox, string id, Func<ContainerDetails, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var details = await sandbox.Engine.Containers.InspectAsync(id);
            if (condition(details))
            {
                return details;
            }
            Assert.True(DateTime.UtcNow < deadline, $"container never {what}: {details.State.Status}, restarts {details.RestartCount}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task On_failure_restarts_up_to_the_maximum_then_stays_exited()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        await using var box = await sandbox.RunAsync("busybox", ["sh", "-c", "echo run; exit 3"], (_, h) =>
            h.RestartPolicy = new RestartPolicy { Name = "on-failure", MaximumRetryCount = 2 });
        var details = await WaitForAsync(sandbox, box.Id, d => d.RestartCount == 2 && d.State.Status == "exited", "ran 3 times");
        Assert.Equal(3, details.State.ExitCode);
        var runs = 0;
        await foreach (var entry in sandbox.Engine.Containers.LogsAsync(box.Id, new LogsOptions { Stdout = true }))
        {
            runs++;
        }
        Assert.Equal(3, runs);
    }

    [Fact]
    public async Task Always_restarts_a_clean_exit_until_stopped()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        await using var box = await sandbox.RunAsync("busybox", ["true"], (_, h) =>
            h.RestartPolicy = new RestartPolicy { Name = "always" });
        await WaitForAsync(sandbox, box.Id, d => d.RestartCount >= 2, "restarted twice");
        try
        {
            await sandbox.Engine.Containers.StopAsync(box.Id, TimeSpan.FromSeconds(5));
        }
        catch (Storage.Errors.EngineException e) when (e.Kind == Storage.Errors.ErrorKind.NotModified)
        {
            // It was between two runs: stopping it then just keeps it stopped.
        }
        var stopped = await WaitForAsync(sandbox, box.Id, d => !d.State.Running && !d.State.Restarting, "stopped");
        var count = stopped.RestartCount;
        await Task.Delay(1500);
        Assert.Equal(count, (await sandbox.Engine.Containers.InspectAsync(box.Id)).RestartCount);
    }
}
