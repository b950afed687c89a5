using System.Diagnostics;

namespace Engine.Http.Tests;

/// <summary>What one docker CLI invocation did.</summary>
public sealed record DockerCliResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}

/// <summary>
/// Runs /usr/local/bin/docker with DOCKER_HOST set to the engine and without DOCKER_API_VERSION,
/// so the CLI negotiates from /_ping's Api-Version as it does against a real daemon.
/// </summary>
public static class DockerCli
{
    public const string Path = "/usr/local/bin/docker";

    public static async Task<DockerCliResult> RunAsync(string dockerHost, IEnumerable<string> args, string? standardInput = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DOCKER_HOST"] = dockerHost;
        start.Environment.Remove("DOCKER_API_VERSION");
        start.Environment.Remove("DOCKER_CONTEXT");
        start.Environment.Remove("DOCKER_TLS_VERIFY");
        start.Environment["DOCKER_CONFIG"] = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "engine-tests-docker-config");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("docker did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
        }
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"docker {string.Join(' ', args)} did not finish:\n{await stdout}\n{await stderr}");
        }
        return new DockerCliResult(process.ExitCode, await stdout, await stderr);
    }
}
