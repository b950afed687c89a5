using Engine.Http.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Http.Routing;

/// <summary>
/// The terminal middleware serving the Remote API: strips the /v{x.y} prefix, sets Docker's
/// common headers, dispatches through <see cref="EngineApiRoutes"/>, answers 404 "page not found"
/// for anything else, and turns escaping exceptions into Docker's error answers (<see cref="ErrorMapping"/>).
/// </summary>
internal sealed partial class EngineApiMiddleware(
#pragma warning disable CS9113 // Terminal: the next delegate is never called.
    RequestDelegate next,
#pragma warning restore CS9113
    EngineApiRoutes routes,
    IOptions<EngineHttpOptions> options,
    IServiceProvider services,
    ILogger<EngineApiMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var path = ApiVersion.StripPrefix(http.Request.Path.Value ?? "/", out var version);
        CommonHeaders.Apply(http.Response.Headers, options.Value);
        if (!routes.Table.TryMatch(http.Request.Method, path, out var handler, out var values))
        {
            await WriteErrorAsync(http, ErrorMapping.Create(404, "page not found", version));
            return;
        }
        var stopping = (services.GetService(typeof(IHostApplicationLifetime)) as IHostApplicationLifetime)?.ApplicationStopping ?? CancellationToken.None;
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        LogRequest(logger, http.Request.Method, http.Request.Path.Value ?? "");
        try
        {
            await handler!(new ApiContext(http, version, values, aborted.Token));
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client left or the host is stopping: nothing to answer.
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            var error = ErrorMapping.Create(e, version);
            if (error.StatusCode >= 500)
            {
                LogHandlerFailed(logger, e, http.Request.Method, http.Request.Path.Value ?? "");
            }
            else
            {
                LogRequestFailed(logger, http.Request.Method, http.Request.Path.Value ?? "", error.StatusCode, e.Message);
            }
            http.Response.Clear();
            CommonHeaders.Apply(http.Response.Headers, options.Value);
            await WriteErrorAsync(http, error);
        }
        catch (Exception e)
        {
            // The answer has begun (a stream): it can only end here.
            LogHandlerFailed(logger, e, http.Request.Method, http.Request.Path.Value ?? "");
        }
    }

    private static async Task WriteErrorAsync(HttpContext http, ErrorResponse error)
    {
        http.Response.StatusCode = error.StatusCode;
        if (error.Body.Length == 0)
        {
            return;
        }
        http.Response.ContentType = error.ContentType;
        http.Response.ContentLength = error.Body.Length;
        await http.Response.Body.WriteAsync(error.Body);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "{Method} {Path}")]
    private static partial void LogRequest(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "{Method} {Path} -> {StatusCode}: {Message}")]
    private static partial void LogRequestFailed(ILogger logger, string method, string path, int statusCode, string message);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string method, string path);
}
