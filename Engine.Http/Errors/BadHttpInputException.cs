namespace Engine.Http.Errors;

/// <summary>A request that cannot be read (empty or malformed body, bad query value): 400.</summary>
internal sealed class BadHttpInputException(string message) : Exception(message);
