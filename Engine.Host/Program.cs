using Engine.Core;
using Engine.Host;
using Engine.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var arguments = HostArguments.Parse(args, out var error);
if (arguments is null)
{
    Console.Error.WriteLine($"engine: {error}");
    Console.Error.WriteLine(HostArguments.Usage);
    return 2;
}
if (arguments.Help)
{
    Console.WriteLine(HostArguments.Usage);
    return 0;
}

var addresses = arguments.Hosts.Select(h => { ListenAddress.TryParse(h, out var a); return a!; }).ToList();
var socketPaths = addresses.Where(a => a.UnixPath is not null).Select(a => a.UnixPath!).ToList();

foreach (var path in socketPaths)
{
    if (UnixSocketFile.IsLive(path))
    {
        Console.Error.WriteLine($"engine: {path} is in use by another daemon");
        return 1;
    }
}

Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions? tls;
try
{
    tls = arguments.Tls || arguments.TlsVerify ? TlsSettings.Load(arguments) : null;
}
catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"engine: could not load the TLS files: {e.Message}");
    return 1;
}

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
builder.Logging.SetMinimumLevel(arguments.Debug ? LogLevel.Debug : LogLevel.Warning);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = null;
    foreach (var address in addresses)
    {
        if (address.UnixPath is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            UnixSocketFile.DeleteStale(path);
            kestrel.ListenUnixSocket(path, listen => listen.UseEngineHijack());
        }
        else
        {
            kestrel.Listen(address.Address!, address.Port, listen =>
            {
                // TLS first: the hijack middleware after it sees the decrypted bytes.
                if (tls is not null)
                {
                    listen.UseHttps(tls);
                }
                listen.UseEngineHijack();
            });
        }
    }
});
builder.Services.AddContainerEngine(o =>
{
    o.DataRoot = arguments.DataRoot;
    o.ExecRoot = arguments.ExecRoot;
    o.StorageDriver = arguments.StorageDriver;
    o.Debug = arguments.Debug;
    o.Bridge = arguments.Bridge;
    o.BridgeIp = arguments.BridgeIp;
    o.Mtu = arguments.Mtu;
    o.CgroupParent = arguments.CgroupParent;
});
builder.Services.AddEngineHttp();

var app = builder.Build();
app.UseEngineApi();
var started = false;
try
{
    try
    {
        await app.StartAsync();
        started = true;
    }
    catch (Exception e) when (e is Engine.Storage.Errors.EngineException or Microsoft.Extensions.Options.OptionsValidationException or IOException)
    {
        Console.Error.WriteLine($"engine: {e.Message}");
        return 1;
    }
    foreach (var path in socketPaths)
    {
        UnixSocketFile.RestrictToOwnerAndGroup(path);
    }
    await app.WaitForShutdownAsync();
}
finally
{
    await app.DisposeAsync();
    if (started)
    {
        foreach (var path in socketPaths)
        {
            UnixSocketFile.DeleteStale(path);
        }
    }
}
return 0;
