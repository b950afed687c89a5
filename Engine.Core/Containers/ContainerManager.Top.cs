using System.Diagnostics;
using Engine.Storage.Errors;

namespace Engine.Core.Containers;

public sealed partial class ContainerManager
{
    /// <summary>
    /// Runs the host's ps with <paramref name="psArgs"/> (default "-ef") and keeps the rows of the container's
    /// processes, as Docker does: the titles are ps's header, the last column keeps its spaces.
    /// </summary>
    public async Task<ContainerTop> TopAsync(string nameOrId, string? psArgs = null, CancellationToken cancellationToken = default)
    {
        var container = _store.Get(nameOrId);
        if (container.Process is null || !container.Record.State.Running)
        {
            throw EngineException.NotRunning($"Container {container.Id} is not running");
        }
        var pids = _runtime.ListPids(container.Id).ToHashSet();
        var output = await RunPsAsync(string.IsNullOrWhiteSpace(psArgs) ? "-ef" : psArgs, cancellationToken).ConfigureAwait(false);
        return ParsePs(output, pids);
    }

    /// <summary>Keeps the rows whose PID column is one of <paramref name="pids"/>.</summary>
    internal static ContainerTop ParsePs(string output, IReadOnlySet<int> pids)
    {
        var lines = output.Split('\n');
        var titles = lines[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        int pidIndex = Array.IndexOf(titles, "PID");
        if (pidIndex < 0)
        {
            throw new EngineException(ErrorKind.Internal, "Couldn't find PID field in ps output");
        }
        var processes = new List<IReadOnlyList<string>>();
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }
            if (pidIndex >= fields.Length
                || !int.TryParse(fields[pidIndex], System.Globalization.CultureInfo.InvariantCulture, out int pid))
            {
                throw new EngineException(ErrorKind.Internal, $"Unexpected pid '{(pidIndex < fields.Length ? fields[pidIndex] : "")}' in ps output");
            }
            if (!pids.Contains(pid))
            {
                continue;
            }
            var row = fields.Take(titles.Length - 1).ToList();
            // The last column (CMD) may contain spaces: it takes the rest of the line.
            row.Add(string.Join(' ', fields.Skip(titles.Length - 1)));
            processes.Add(row);
        }
        return new ContainerTop(titles, processes);
    }

    private static async Task<string> RunPsAsync(string psArgs, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("ps")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in psArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            start.ArgumentList.Add(arg);
        }
        Process ps;
        try
        {
            ps = Process.Start(start) ?? throw new EngineException(ErrorKind.Internal, "Error running ps: not started");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new EngineException(ErrorKind.Internal, "Error running ps: " + e.Message);
        }
        using (ps)
        {
            var stdout = ps.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = ps.StandardError.ReadToEndAsync(cancellationToken);
            await ps.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (ps.ExitCode != 0)
            {
                throw new EngineException(ErrorKind.Internal, $"Error running ps: exit status {ps.ExitCode}: {(await stderr.ConfigureAwait(false)).Trim()}");
            }
            return await stdout.ConfigureAwait(false);
        }
    }
}
