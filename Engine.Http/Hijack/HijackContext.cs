using System.IO.Pipelines;
using System.Text;
using Engine.Http.Errors;
using Engine.Http.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Engine.Http.Hijack;

/// <summary>One hijacked request: its head, body, route values, and the raw connection.</summary>
internal sealed class HijackContext(
    HttpRequestHead request,
    ApiVersion? version,
    Dictionary<string, string> routeValues,
    byte[] body,
    PipeReader input,
    PipeWriter output,
    IServiceProvider services,
    EngineHttpOptions options,
    CancellationToken aborted)
{
    private readonly Dictionary<string, StringValues> _query = QueryHelpers.ParseQuery(request.QueryString);

    public HttpRequestHead Request { get; } = request;
    public ApiVersion? Version { get; } = version;
    /// <summary>The request body (exec start's JSON); empty for attach.</summary>
    public byte[] Body { get; } = body;
    /// <summary>The client's bytes after the request (stdin).</summary>
    public PipeReader Input { get; } = input;
    public PipeWriter Output { get; } = output;
    public IServiceProvider Services { get; } = services;
    /// <summary>Fires when the host stops.</summary>
    public CancellationToken Aborted { get; } = aborted;

    public string Route(string name) => routeValues[name];

    public string? Query(string name) => _query.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;

    public bool QueryBool(string name) => QueryParsing.Bool(Query(name));

    /// <summary>"101 UPGRADED" when the client asked for an upgrade, else "200 OK"; raw stream, no length, no chunking.</summary>
    public async ValueTask WriteStreamHeadAsync()
    {
        var head = new StringBuilder();
        if (Request.WantsUpgrade)
        {
            head.Append("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n");
        }
        else
        {
            head.Append("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n");
        }
        head.Append(CommonHeaders.Lines(options)).Append("\r\n");
        await Output.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), Aborted);
    }

    /// <summary>An ordinary answer with a length; the connection closes after it.</summary>
    public async ValueTask WriteResponseAsync(int statusCode, string contentType, byte[] body)
    {
        var reason = statusCode switch
        {
            200 => "OK",
            201 => "Created",
            204 => "No Content",
            304 => "Not Modified",
            400 => "Bad Request",
            404 => "Not Found",
            406 => "Not Acceptable",
            409 => "Conflict",
            _ => "Internal Server Error",
        };
        var head = new StringBuilder($"HTTP/1.1 {statusCode} {reason}\r\n");
        if (contentType.Length > 0)
        {
            head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }
        if (statusCode != 304 && statusCode != 204)
        {
            head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        }
        head.Append(CommonHeaders.Lines(options)).Append("Connection: close\r\n\r\n");
        await Output.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), Aborted);
        if (body.Length > 0)
        {
            await Output.WriteAsync(body, Aborted);
        }
    }

    public ValueTask WriteErrorAsync(Exception exception)
    {
        var error = ErrorMapping.Create(exception, Version);
        return WriteResponseAsync(error.StatusCode, error.ContentType, error.Body);
    }
}
