using Engine.Core;
using Engine.Core.Sandbox;

namespace Engine.TestKit;

/// <summary>An <see cref="EngineSandbox"/> with busybox:latest imported from busybox-static (Busybox.WriteRootFsTar).</summary>
public static class BusyboxSandbox
{
    public static async Task<EngineSandbox> StartAsync(Action<EngineOptions>? configure = null)
    {
        var sandbox = await EngineSandbox.StartAsync(configure);
        try
        {
            using var tar = new MemoryStream();
            Busybox.WriteRootFsTar(tar);
            tar.Position = 0;
            await sandbox.ImportAsync(tar, "busybox:latest");
            return sandbox;
        }
        catch
        {
            await sandbox.DisposeAsync();
            throw;
        }
    }
}
