namespace Engine.Init;

/// <summary>A failure whose message is Docker's text, sent to the engine as is.</summary>
internal sealed class InitException(string message) : Exception(message)
{
}
