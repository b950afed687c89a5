namespace Engine.Http;

/// <summary>Options of the HTTP module.</summary>
public sealed class EngineHttpOptions
{
    /// <summary>The Server header of every answer. Default "Docker/1.7.1 (linux)", the form Docker 1.7 sent.</summary>
    public string ServerHeader { get; set; } = "Docker/1.7.1 (linux)";
}
