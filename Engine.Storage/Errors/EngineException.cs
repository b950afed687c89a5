namespace Engine.Storage.Errors;

/// <summary>What went wrong, independent of any transport. Engine.Http maps kinds to status codes.</summary>
public enum ErrorKind
{
    /// <summary>Something failed inside the engine (HTTP 500).</summary>
    Internal,
    /// <summary>No such container, image, exec... (HTTP 404).</summary>
    NotFound,
    /// <summary>Name in use, container running, image in use... (HTTP 409).</summary>
    Conflict,
    /// <summary>Malformed or invalid input (HTTP 400, or 500 where Docker 1.7 answers 500).</summary>
    InvalidParameter,
    /// <summary>Nothing to do: already started, already stopped (HTTP 304).</summary>
    NotModified,
    /// <summary>The operation needs a running container (HTTP 409 in later APIs, 500 in 1.19 for some).</summary>
    NotRunning,
    /// <summary>Attach or exec not possible (HTTP 406).</summary>
    NotAcceptable,
    /// <summary>Not allowed: writing to a read-only root file system (HTTP 403).</summary>
    Forbidden,
    /// <summary>A registry refused the credentials (HTTP 401).</summary>
    Unauthorized,
}

/// <summary>The one exception type the engine throws for expected failures. Message is Docker's text.</summary>
public class EngineException : Exception
{
    public EngineException(ErrorKind kind, string message, Exception? inner = null) : base(message, inner) => Kind = kind;

    public ErrorKind Kind { get; }

    public static EngineException NotFound(string message) => new(ErrorKind.NotFound, message);
    public static EngineException Conflict(string message) => new(ErrorKind.Conflict, message);
    public static EngineException Invalid(string message) => new(ErrorKind.InvalidParameter, message);
    public static EngineException NotModified(string message) => new(ErrorKind.NotModified, message);
    public static EngineException NotRunning(string message) => new(ErrorKind.NotRunning, message);
    public static EngineException Forbidden(string message) => new(ErrorKind.Forbidden, message);
}
