using System.Text;
using System.Text.Json;
using Engine.Http.Json;
using Engine.Http.Routing;
using Engine.Storage.Errors;

namespace Engine.Http.Errors;

/// <summary>A status code and the bytes of Docker's error body for it.</summary>
internal readonly record struct ErrorResponse(int StatusCode, string ContentType, byte[] Body);

/// <summary>
/// The one place where failures become HTTP: <see cref="ErrorKind"/> to status code, and the body
/// form by version (plain text + "\n" below 1.24, {"message":...} from 1.24 and unversioned).
/// Both the Kestrel pipeline and the hijack middleware answer through it.
/// </summary>
internal static class ErrorMapping
{
    public static int StatusCodeFor(ErrorKind kind, ApiVersion? version) => kind switch
    {
        ErrorKind.NotFound => 404,
        ErrorKind.Conflict => 409,
        ErrorKind.InvalidParameter => 400,
        ErrorKind.NotModified => 304,
        // Docker 1.7 answered 500 ("Container x is not running"); 1.24+ answer 409.
        ErrorKind.NotRunning => ApiVersion.UsesPlainTextErrors(version) ? 500 : 409,
        ErrorKind.NotAcceptable => 406,
        ErrorKind.Forbidden => 403,
        ErrorKind.Unauthorized => 401,
        _ => 500,
    };

    /// <summary>Status and message for any exception a handler let escape.</summary>
    public static (int StatusCode, string Message) Classify(Exception exception, ApiVersion? version) => exception switch
    {
        EngineException e => (StatusCodeFor(e.Kind, version), e.Message),
        JsonException e => (400, "invalid JSON: " + (e.InnerException?.Message ?? e.Message)),
        BadHttpInputException e => (400, e.Message),
        Microsoft.AspNetCore.Http.BadHttpRequestException e => (e.StatusCode, e.Message),
        _ => (500, exception.Message),
    };

    public static ErrorResponse Create(Exception exception, ApiVersion? version)
    {
        var (status, message) = Classify(exception, version);
        return Create(status, message, version);
    }

    public static ErrorResponse Create(int statusCode, string message, ApiVersion? version)
    {
        if (statusCode == 304)
        {
            return new ErrorResponse(304, "", []);
        }
        if (ApiVersion.UsesPlainTextErrors(version))
        {
            return new ErrorResponse(statusCode, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(message.TrimEnd('\n') + "\n"));
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(new ErrorMessageBody { Message = message }, EngineJsonContext.Default.ErrorMessageBody);
        return new ErrorResponse(statusCode, "application/json", [.. json, (byte)'\n']);
    }
}
