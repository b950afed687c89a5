using System.Text.Json;
using Engine.TestKit;

namespace Engine.Http.Tests.Acceptance;

/// <summary>
/// A class fixture: the real daemon on its own socket and data root, with busybox:latest imported
/// through `docker import`. It records every container the engine creates (from /events) and, on
/// dispose, stops the engine with SIGTERM and fails when the engine did not exit 0 or left a mount,
/// a cgroup or a process of any of those containers behind.
/// </summary>
public class AcceptanceEngine : IAsyncLifetime
{
    private readonly EventRecorder _events = new();

    public EngineProcess Engine { get; } = new();

    /// <summary>Image id that `docker import` printed for busybox:latest.</summary>
    public string BusyboxId { get; private set; } = "";

    /// <summary>The busybox root file system tar (for further `docker import`s).</summary>
    public string RootFsTar => Path.Combine(Engine.Root, "rootfs.tar");

    /// <summary>Ids of every container created on this engine so far.</summary>
    public IReadOnlyCollection<string> CreatedContainers => _events.Created;

    public Task<DockerCliResult> DockerAsync(params string[] args) => Engine.DockerAsync(args);

    public async Task InitializeAsync()
    {
        await Engine.InitializeAsync();
        await _events.StartAsync(Engine);
        BusyboxId = await ImportBusyboxAsync(Engine);
    }

    /// <summary>Writes the busybox rootfs tar into the engine's root and runs `docker import` of it as busybox:latest; returns the id printed.</summary>
    public static async Task<string> ImportBusyboxAsync(EngineProcess engine)
    {
        var tarPath = Path.Combine(engine.Root, "rootfs.tar");
        using (var tar = File.Create(tarPath))
        {
            Busybox.WriteRootFsTar(tar);
        }
        var import = await engine.DockerAsync("import", tarPath, "busybox:latest");
        Assert.True(import.ExitCode == 0, import.ToString());
        return import.StandardOutput.Trim();
    }

    public async Task DisposeAsync()
    {
        var ids = _events.Created.ToArray();
        await Engine.StopAsync();
        _events.Dispose();
        try
        {
            Assert.True(Engine.ExitCode == 0, $"engine exited with {Engine.ExitCode}:\n{Engine.Log}");
            Leftovers.AssertNone(Engine.Root, ids); // data root and exec root
        }
        finally
        {
            await Engine.DisposeAsync();
        }
    }

    /// <summary>GET /containers/(id)/json parsed.</summary>
    public async Task<JsonElement> InspectAsync(string idOrName)
    {
        using var client = Engine.CreateHttpClient();
        using var response = await client.GetAsync($"/v1.19/containers/{idOrName}/json");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"inspect {idOrName}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Polls inspect until State.Status is <paramref name="status"/>.</summary>
    public Task<JsonElement> WaitForStatusAsync(string idOrName, string status, TimeSpan? within = null) =>
        Poll.UntilAsync(
            async () =>
            {
                var state = await InspectAsync(idOrName);
                return (state.GetProperty("State").GetProperty("Status").GetString() == status, state);
            },
            within ?? TimeSpan.FromSeconds(30),
            $"container {idOrName} did not reach status {status}");

    /// <summary>Number of containers the engine lists with all=1.</summary>
    public async Task<int> CountContainersAsync()
    {
        using var client = Engine.CreateHttpClient();
        var body = await client.GetStringAsync("/v1.19/containers/json?all=1");
        return JsonDocument.Parse(body).RootElement.GetArrayLength();
    }

    /// <summary>A name no other test uses.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    /// <summary>Follows GET /events and keeps the id of every "create".</summary>
    private sealed class EventRecorder : IDisposable
    {
        private readonly HashSet<string> _created = new(StringComparer.Ordinal);
        private readonly CancellationTokenSource _stop = new();
        private HttpClient? _client;
        private Task? _reader;

        public IReadOnlyCollection<string> Created
        {
            get
            {
                lock (_created)
                {
                    return _created.ToArray();
                }
            }
        }

        public async Task StartAsync(EngineProcess engine)
        {
            _client = engine.CreateHttpClient();
            _client.Timeout = Timeout.InfiniteTimeSpan;
            var response = await _client.GetAsync("/v1.19/events", HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            response.EnsureSuccessStatusCode();
            var stream = await response.Content.ReadAsStreamAsync(_stop.Token);
            _reader = Task.Run(async () =>
            {
                using (response)
                using (var reader = new StreamReader(stream))
                {
                    try
                    {
                        while (await reader.ReadLineAsync(_stop.Token) is { } line)
                        {
                            if (line.Length == 0)
                            {
                                continue;
                            }
                            var e = JsonDocument.Parse(line).RootElement;
                            if (e.TryGetProperty("status", out var status) && status.GetString() == "create" && e.TryGetProperty("id", out var id))
                            {
                                lock (_created)
                                {
                                    _created.Add(id.GetString()!);
                                }
                            }
                        }
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
                    {
                        // The engine went away or the recorder was stopped.
                    }
                }
            });
        }

        public void Dispose()
        {
            _stop.Cancel();
            try
            {
                _reader?.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }
            _client?.Dispose();
            _stop.Dispose();
        }
    }
}
