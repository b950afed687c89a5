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

    private static readonly Lazy<string> s_configDir = new(() => Engine.TestKit.TestPaths.NewTempDir("docker-config"));

    public static async Task<DockerCliResult> RunAsync(string dockerHost, IEnumerable<string> args, string? standardInput = null, TimeSpan? timeout = null)
    {
        using var process = Start(dockerHost, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
        }
        process.StandardInput.Close();
        await WaitAsync(process, args, timeout, stdout, stderr);
        return new DockerCliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Runs the CLI and hashes its stdout as it streams (for outputs too large to keep): the result's
    /// StandardOutput is "&lt;sha256 hex&gt; &lt;byte count&gt;".
    /// </summary>
    public static async Task<DockerCliResult> RunHashingStdoutAsync(string dockerHost, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        using var process = Start(dockerHost, args);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = Task.Run(async () =>
        {
            using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = await process.StandardOutput.BaseStream.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                total += n;
            }
            return $"{Convert.ToHexStringLower(hash.GetHashAndReset())} {total}";
        });
        await WaitAsync(process, args, timeout, stdout, stderr);
        return new DockerCliResult(process.ExitCode, await stdout, await stderr);
    }

    private static async Task WaitAsync(Process process, IEnumerable<string> args, TimeSpan? timeout, Task<string> stdout, Task<string> stderr)
    {
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
    }

    private static Process Start(string dockerHost, IEnumerable<string> args)
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
        start.Environment["DOCKER_CONFIG"] = s_configDir.Value;
        return Process.Start(start) ?? throw new InvalidOperationException("docker did not start");
    }
}
