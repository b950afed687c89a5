using System.Globalization;
using System.Text.Json;
using Engine.Core.Build;
using Engine.Http.Errors;
using Engine.Http.Json;
using Engine.Http.Routing;
using Microsoft.AspNetCore.Http.Features;

namespace Engine.Http.Handlers;

/// <summary>
/// POST /build: the body (the context tar, any compression) streams into <see cref="IBuildService.BuildAsync"/>;
/// the output goes back as {"stream":...} lines, flushed as produced. A failure before any output is an ordinary
/// error answer (Docker 1.7 too); after it, a {"errorDetail":{"message"},"error"} line ends the 200 stream.
/// </summary>
internal static class BuildHandlers
{
    public static async Task BuildAsync(ApiContext c)
    {
        if (c.Http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }
        if (!string.IsNullOrEmpty(c.Query("remote")))
        {
            throw new BadHttpInputException("remote build contexts (git or URL) are not supported: send the context as the request body");
        }
        var options = new BuildOptions
        {
            Dockerfile = c.Query("dockerfile"),
            Tags = c.Http.Request.Query.TryGetValue("t", out var tags) ? [.. tags.Where(t => !string.IsNullOrEmpty(t)).Select(t => t!)] : [],
            Quiet = c.QueryBool("q"),
            NoCache = c.QueryBool("nocache"),
            Remove = c.QueryBool("rm", defaultValue: true),
            ForceRemove = c.QueryBool("forcerm"),
            Pull = c.QueryBool("pull"),
            Memory = Long(c, "memory"),
            MemorySwap = Long(c, "memswap"),
            CpuShares = Long(c, "cpushares"),
            CpusetCpus = c.Query("cpusetcpus") ?? "",
            CpusetMems = c.Query("cpusetmems") ?? "",
            CpuPeriod = Long(c, "cpuperiod"),
            CpuQuota = Long(c, "cpuquota"),
        };
        var started = false;
        try
        {
            await foreach (var message in c.Engine.Build.BuildAsync(c.Http.Request.Body, options, c.Aborted))
            {
                if (message.Stream is null)
                {
                    continue;
                }
                if (!started)
                {
                    started = true;
                    c.Http.Response.StatusCode = 200;
                    c.Http.Response.ContentType = "application/json";
                }
                await c.WriteProgressLineAsync(new ProgressLine { Stream = message.Stream });
            }
        }
        catch (Exception e) when (started && e is not OperationCanceledException)
        {
            var (_, text) = ErrorMapping.Classify(e, c.Version);
            await c.WriteProgressLineAsync(new ProgressLine { ErrorDetail = new ErrorDetail { Message = text, Code = (e as BuildStepException)?.ExitCode ?? 0 }, Error = text });
        }
    }

    /// <summary>A number parameter (memory=0 and absence alike mean "no limit").</summary>
    private static long Long(ApiContext c, string name)
    {
        var value = c.Query(name);
        if (string.IsNullOrEmpty(value))
        {
            return 0;
        }
        return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new BadHttpInputException($"invalid value for {name}: {value}");
    }

}
