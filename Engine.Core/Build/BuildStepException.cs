using Engine.Storage.Errors;

namespace Engine.Core.Build;

/// <summary>A RUN step whose command exited non-zero: Docker's message, and the exit code Docker passes on as the error's code.</summary>
public sealed class BuildStepException(string message, int exitCode) : EngineException(ErrorKind.Internal, message)
{
    public int ExitCode { get; } = exitCode;
}
