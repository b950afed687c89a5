using Engine.Http.Tests.Images;

namespace Engine.Http.Tests.Registry;

/// <summary>The image test engine (busybox imported), an open registry and one behind basic auth.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    /// <summary>User, password and its bcrypt hash (htpasswd -B) for the basic-auth registry.</summary>
    public const string User = "tester";
    public const string Password = "Passw0rd!";
    private const string HtpasswdLine = "tester:$2y$05$mxU0bOlvW7puW1xZqCLr3O66PIfKm0ivHrXJya60v3XX4VPYir1ke";

    public ImageEngineFixture Images { get; } = new();
    public RegistryProcess Open { get; } = new();
    public RegistryProcess Private { get; } = new(HtpasswdLine);

    public async Task InitializeAsync()
    {
        if (RegistryProcess.SkipReason is not null)
        {
            return; // every test here reports itself not run
        }
        await Images.InitializeAsync();
        await Open.InitializeAsync();
        await Private.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Private.DisposeAsync();
        await Open.DisposeAsync();
        await Images.DisposeAsync();
    }
}
