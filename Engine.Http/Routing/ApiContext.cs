using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Engine.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Http.Routing;

/// <summary>A handler of one API route.</summary>
internal delegate Task ApiHandler(ApiContext context);

/// <summary>What a handler gets: the request, its API version, route values and the engine.</summary>
internal sealed class ApiContext(HttpContext http, ApiVersion? version, Dictionary<string, string> routeValues, CancellationToken aborted)
{
    public HttpContext Http { get; } = http;

    /// <summary>The /v{x.y} prefix of the request, null when unversioned.</summary>
    public ApiVersion? Version { get; } = version;

    /// <summary>Fires when the client goes away or the host stops.</summary>
    public CancellationToken Aborted { get; } = aborted;

    public IContainerEngine Engine => Http.RequestServices.GetRequiredService<IContainerEngine>();

    public string Route(string name) => routeValues[name];

    /// <summary>The first value of a query key, or null when absent.</summary>
    public string? Query(string name) => Http.Request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    public bool QueryBool(string name, bool defaultValue = false) => QueryParsing.Bool(Query(name), defaultValue);

    public void Status(int statusCode) => Http.Response.StatusCode = statusCode;

    public async Task WriteJsonAsync<T>(T value, JsonTypeInfo<T> typeInfo, int statusCode = 200)
    {
        Http.Response.StatusCode = statusCode;
        Http.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(Http.Response.Body, value, typeInfo, Aborted);
        await Http.Response.Body.WriteAsync("\n"u8.ToArray(), Aborted);
    }

    /// <summary>Writes one line of a JSON progress stream ("\r\n" after each object, as Docker) and flushes it.</summary>
    public async Task WriteProgressLineAsync(Json.ProgressLine line)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(line, Json.EngineJsonContext.Default.ProgressLine);
        await Http.Response.Body.WriteAsync(bytes, Aborted);
        await Http.Response.Body.WriteAsync("\r\n"u8.ToArray(), Aborted);
        await Http.Response.Body.FlushAsync(Aborted);
    }

    /// <summary>Reads the whole request body (bounded), for JSON bodies.</summary>
    public async Task<byte[]> ReadBodyAsync(int limit = 16 * 1024 * 1024)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await Http.Request.Body.ReadAsync(chunk, Aborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                throw new Errors.BadHttpInputException("request body too large");
            }
        }
        return buffer.ToArray();
    }
}
