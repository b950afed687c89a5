using System.Globalization;
using Engine.Core.Exec;
using Engine.Http.Errors;
using Engine.Http.Json;
using Engine.Http.Routing;

namespace Engine.Http.Handlers;

/// <summary>The exec family served through Kestrel (exec start is hijacked: see Hijack/ExecStartHandler.cs).</summary>
internal static class ExecHandlers
{
    public static async Task CreateAsync(ApiContext c)
    {
        var body = RequestBodies.ReadExecCreate(await c.ReadBodyAsync());
        var id = await c.Engine.Exec.CreateAsync(c.Route("id"), new ExecConfig
        {
            AttachStdin = body.AttachStdin,
            AttachStdout = body.AttachStdout,
            AttachStderr = body.AttachStderr,
            Tty = body.Tty,
            Cmd = body.Cmd ?? [],
            User = body.User ?? "",
            Privileged = body.Privileged,
        }, c.Aborted);
        await c.WriteJsonAsync(new ExecCreateResponse { Id = id }, EngineJsonContext.Default.ExecCreateResponse, 201);
    }

    public static async Task ResizeAsync(ApiContext c)
    {
        if (!ushort.TryParse(c.Query("h"), NumberStyles.None, CultureInfo.InvariantCulture, out var height)
            || !ushort.TryParse(c.Query("w"), NumberStyles.None, CultureInfo.InvariantCulture, out var width))
        {
            throw new BadHttpInputException("h and w must be numbers");
        }
        await c.Engine.Exec.ResizeAsync(c.Route("id"), height, width, c.Aborted);
        c.Status(201);
    }

    public static async Task InspectAsync(ApiContext c)
    {
        var d = await c.Engine.Exec.InspectAsync(c.Route("id"), c.Aborted);
        await c.WriteJsonAsync(new ExecInspectResponse
        {
            ID = d.Id,
            Running = d.Running,
            // Docker 1.7 wrote 0 while running; later versions null.
            ExitCode = d.ExitCode ?? (ApiVersion.UsesPlainTextErrors(c.Version) ? 0 : null),
            ProcessConfig = new ExecProcessConfigJson
            {
                Privileged = d.ProcessConfig.Privileged,
                User = d.ProcessConfig.User,
                Tty = d.ProcessConfig.Tty,
                Entrypoint = d.ProcessConfig.Entrypoint,
                Arguments = [.. d.ProcessConfig.Arguments],
            },
            OpenStdin = d.OpenStdin,
            OpenStderr = d.OpenStderr,
            OpenStdout = d.OpenStdout,
            ContainerID = d.ContainerId,
            Container = ContainerHandlers.ToInspect(d.Container, c.Version),
            Pid = d.Pid,
        }, EngineJsonContext.Default.ExecInspectResponse);
    }
}
