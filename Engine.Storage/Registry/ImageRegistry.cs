using System.Net;
using System.Text.Json;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Engine.Storage.Layers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Engine.Storage.Registry;

/// <summary>The default <see cref="IImageRegistry"/>: one HttpClient for every registry, the stores for content.</summary>
public sealed partial class ImageRegistry : IImageRegistry, IDisposable
{
    /// <summary>Largest manifest or image config read into memory.</summary>
    internal const int MaxDocumentBytes = 8 * 1024 * 1024;

    private readonly IImageStore _images;
    private readonly ILayerStore _layers;
    private readonly DistributionMetadata _metadata;
    private readonly HttpClient _http;
    private readonly ILogger _logger;

    public ImageRegistry(IImageStore images, ILayerStore layers, IOptions<StorageOptions> options, ILogger<ImageRegistry>? logger = null)
        : this(images, layers, options.Value.DataRoot, null, logger)
    {
    }

    /// <param name="handler">Replaces the HTTP handler (tests); by default a SocketsHttpHandler with a 15 s connect timeout.</param>
    public ImageRegistry(IImageStore images, ILayerStore layers, string dataRoot, HttpMessageHandler? handler = null, ILogger<ImageRegistry>? logger = null)
    {
        _images = images;
        _layers = layers;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metadata = new DistributionMetadata(Path.Combine(Path.GetFullPath(dataRoot), "image", layers.DriverName, "distribution"));
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = true,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("engine/" + ImageStore.DockerVersion);
    }

    public void Dispose() => _http.Dispose();

    private static string Scope(RegistryReference reference, bool push) =>
        $"repository:{reference.RemoteName}:{(push ? "pull,push" : "pull")}";

    public async Task LoginAsync(RegistryAuth auth, CancellationToken cancellationToken = default)
    {
        var domain = LoginDomain(auth.ServerAddress);
        if (!auth.HasCredentials)
        {
            throw new EngineException(ErrorKind.Unauthorized, "no credentials given");
        }
        await RegistrySession.OpenAsync(_http, domain, auth, null, cancellationToken).ConfigureAwait(false);
        Log.LoggedIn(_logger, domain, auth.Username ?? "");
    }

    /// <summary>"https://index.docker.io/v1/", "localhost:5000", "http://127.0.0.1:5000/" → the registry host.</summary>
    internal static string LoginDomain(string? serverAddress)
    {
        if (string.IsNullOrEmpty(serverAddress))
        {
            return RegistryReference.DefaultDomain;
        }
        var s = serverAddress;
        var scheme = s.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            s = s[(scheme + 3)..];
        }
        s = s.TrimEnd('/');
        var slash = s.IndexOf('/');
        if (slash >= 0)
        {
            s = s[..slash];
        }
        return s is "index.docker.io" or "registry-1.docker.io" ? RegistryReference.DefaultDomain : s;
    }

    public async Task<IReadOnlyList<RegistrySearchResult>> SearchAsync(string term, RegistryAuth? auth, int limit = 25, CancellationToken cancellationToken = default)
    {
        var slash = term.IndexOf('/');
        var first = slash > 0 ? term[..slash] : "";
        if (slash <= 0 || !(first.Contains('.') || first.Contains(':') || first == "localhost"))
        {
            throw EngineException.Invalid(
                $"search for \"{term}\" needs the docker.io index's v1 search API, which this engine does not reach; search a v2 registry by naming it: HOST[:PORT]/TEXT");
        }
        var domain = first;
        var text = term[(slash + 1)..];
        var session = await RegistrySession.OpenAsync(_http, domain, auth, "registry:catalog:*", cancellationToken).ConfigureAwait(false);
        using var response = await session.SendAsync(new HttpRequestMessage(HttpMethod.Get, session.Url("v2/_catalog?n=1000")), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await RegistrySession.ErrorAsync(response, $"registry {domain} does not list its repositories (GET /v2/_catalog)", cancellationToken).ConfigureAwait(false);
        }
        var catalog = await JsonSerializer.DeserializeAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
            RegistryJsonContext.Default.CatalogResponse, cancellationToken).ConfigureAwait(false);
        return [.. (catalog?.Repositories ?? [])
            .Where(r => r.Contains(text, StringComparison.OrdinalIgnoreCase))
            .Take(limit <= 0 ? 25 : limit)
            .Select(r => new RegistrySearchResult(domain + "/" + r, "", 0, false, false))];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Pulled {Reference} as {ImageId} ({Downloaded} of {Layers} layers downloaded)")]
        public static partial void Pulled(ILogger logger, string reference, string imageId, int downloaded, int layers);

        [LoggerMessage(EventId = 3302, Level = LogLevel.Information, Message = "Pushed {Reference} as {Digest}")]
        public static partial void Pushed(ILogger logger, string reference, string digest);

        [LoggerMessage(EventId = 3303, Level = LogLevel.Information, Message = "Login to {Registry} as {User} succeeded")]
        public static partial void LoggedIn(ILogger logger, string registry, string user);
    }
}
