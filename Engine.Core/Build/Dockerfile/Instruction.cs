namespace Engine.Core.Build.Dockerfile;

/// <summary>
/// One parsed Dockerfile line, in Docker 1.7's node shape: the lower-cased instruction, its arguments (not yet
/// environment-expanded), whether they came from a JSON array, and the line as written (continuations joined).
/// ONBUILD keeps its trigger as <see cref="Trigger"/>.
/// </summary>
public sealed record Instruction(string Command, IReadOnlyList<string> Args, bool Json, string Original, Instruction? Trigger = null)
{
    /// <summary>What "Step N : ..." shows: the upper-cased instruction and the arguments as written.</summary>
    public string StepText => Trigger is { } t
        ? $"{Command.ToUpperInvariant()} {t.Command.ToUpperInvariant()} {string.Join(' ', t.Args)}"
        : $"{Command.ToUpperInvariant()} {string.Join(' ', Args)}";
}
