using Docker.DotNet;
using Docker.DotNet.Models;

namespace Engine.Http.Tests.Acceptance;

/// <summary>Issue 2, Done when: Docker.DotNet 3.125.15 on its default unversioned paths drives a container's whole life.</summary>
[Trait("Category", "Root")]
public sealed class DockerDotNetTests(AcceptanceEngine fixture) : IClassFixture<AcceptanceEngine>
{
    private DockerClient CreateClient() => new DockerClientConfiguration(new Uri("unix://" + fixture.Engine.SocketPath)).CreateClient();

    [Fact]
    public async Task Create_attach_start_wait_logs_remove()
    {
        using var client = CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var name = AcceptanceEngine.UniqueName("dotnet");
        var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = "busybox",
            Cmd = ["sh", "-c", "echo out1; echo err1 >&2; echo out2; exit 42"],
            AttachStdout = true,
            AttachStderr = true,
        }, timeout.Token);
        Assert.Matches("^[0-9a-f]{64}$", created.ID);

        // Attached before start: the 200 raw-stream path must stream from the first byte.
        using var attach = await client.Containers.AttachContainerAsync(created.ID, tty: false,
            new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true }, timeout.Token);
        Assert.True(await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), timeout.Token));
        var (stdout, stderr) = await attach.ReadOutputToEndAsync(timeout.Token);
        Assert.Equal("out1\nout2\n", stdout);
        Assert.Equal("err1\n", stderr);

        var wait = await client.Containers.WaitContainerAsync(created.ID, timeout.Token);
        Assert.Equal(42, wait.StatusCode);

        var inspect = await client.Containers.InspectContainerAsync(created.ID, timeout.Token);
        Assert.Equal("/" + name, inspect.Name);
        Assert.Equal("exited", inspect.State.Status);
        Assert.Equal(42, inspect.State.ExitCode);

        using (var logs = await client.Containers.GetContainerLogsAsync(created.ID, tty: false,
                   new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, timeout.Token))
        {
            var (logOut, logErr) = await logs.ReadOutputToEndAsync(timeout.Token);
            Assert.Equal("out1\nout2\n", logOut);
            Assert.Equal("err1\n", logErr);
        }

        var listed = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true }, timeout.Token);
        Assert.Contains(listed, c => c.ID == created.ID && c.Names.Contains("/" + name));

        await client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { RemoveVolumes = true }, timeout.Token);
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => client.Containers.InspectContainerAsync(created.ID, timeout.Token));
    }

    [Fact]
    public async Task Version_ping_and_images_answer()
    {
        using var client = CreateClient();
        await client.System.PingAsync();
        var version = await client.System.GetVersionAsync();
        Assert.Equal("1.19", version.APIVersion);
        var images = await client.Images.ListImagesAsync(new ImagesListParameters());
        Assert.Contains(images, i => i.RepoTags.Contains("busybox:latest"));
    }

    [Fact]
    public async Task Stdin_through_attach_reaches_the_process()
    {
        using var client = CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = "busybox",
            Cmd = ["cat"],
            AttachStdin = true,
            AttachStdout = true,
            AttachStderr = true,
            OpenStdin = true,
            StdinOnce = true,
        }, timeout.Token);
        using var attach = await client.Containers.AttachContainerAsync(created.ID, tty: false,
            new ContainerAttachParameters { Stream = true, Stdin = true, Stdout = true, Stderr = true }, timeout.Token);
        await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), timeout.Token);
        var bytes = "from dotnet\n"u8.ToArray();
        await attach.WriteAsync(bytes, 0, bytes.Length, timeout.Token);
        attach.CloseWrite();
        var (stdout, stderr) = await attach.ReadOutputToEndAsync(timeout.Token);
        Assert.Equal("from dotnet\n", stdout);
        Assert.Equal("", stderr);
        Assert.Equal(0, (await client.Containers.WaitContainerAsync(created.ID, timeout.Token)).StatusCode);
        await client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters(), timeout.Token);
    }
}
