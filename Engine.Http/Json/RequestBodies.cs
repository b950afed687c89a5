using System.Text.Json;
using Engine.Core.Containers;
using Engine.Http.Errors;
using Engine.Storage.Images;

namespace Engine.Http.Json;

/// <summary>Lenient readers of the JSON request bodies (see README: JSON leniency rules).</summary>
internal static class RequestBodies
{
    /// <summary>
    /// POST /containers/create: the body is a ContainerConfig with an optional HostConfig beside its
    /// fields. Throws <see cref="BadHttpInputException"/> for an empty, null or malformed body, before
    /// anything is created.
    /// </summary>
    public static (ContainerConfig Config, HostConfig? HostConfig) ReadCreate(ReadOnlySpan<byte> body)
    {
        if (IsBlank(body))
        {
            throw new BadHttpInputException("Config cannot be empty in order to create a container");
        }
        try
        {
            var config = JsonSerializer.Deserialize(body, EngineJsonContext.Default.ContainerConfig)
                ?? throw new BadHttpInputException("Config cannot be empty in order to create a container");
            var extras = JsonSerializer.Deserialize(body, EngineJsonContext.Default.CreateBodyExtras);
            Normalize(config);
            var hostConfig = extras?.HostConfig;
            if (hostConfig is not null)
            {
                Normalize(hostConfig);
            }
            return (config, hostConfig);
        }
        catch (JsonException e)
        {
            throw Malformed(e);
        }
    }

    /// <summary>
    /// POST /containers/(id)/start: an optional HostConfig. An empty body, null, or an object without
    /// properties ({}) mean "keep the one given at create" and give null.
    /// </summary>
    public static HostConfig? ReadStartHostConfig(ReadOnlySpan<byte> body)
    {
        if (IsBlank(body))
        {
            return null;
        }
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions());
            if (!reader.Read() || reader.TokenType == JsonTokenType.Null)
            {
                return null;
            }
            if (reader.TokenType == JsonTokenType.StartObject && reader.Read() && reader.TokenType == JsonTokenType.EndObject)
            {
                return null;
            }
            var hostConfig = JsonSerializer.Deserialize(body, EngineJsonContext.Default.HostConfig);
            if (hostConfig is not null)
            {
                Normalize(hostConfig);
            }
            return hostConfig;
        }
        catch (JsonException e)
        {
            throw Malformed(e);
        }
    }

    /// <summary>POST /containers/(id)/exec. Throws <see cref="BadHttpInputException"/> for a blank or malformed body.</summary>
    public static ExecCreateBody ReadExecCreate(ReadOnlySpan<byte> body)
    {
        if (IsBlank(body))
        {
            throw new BadHttpInputException("No exec command specified");
        }
        try
        {
            return JsonSerializer.Deserialize(body, EngineJsonContext.Default.ExecCreateBody) ?? throw new BadHttpInputException("No exec command specified");
        }
        catch (JsonException e)
        {
            throw Malformed(e);
        }
    }

    /// <summary>POST /exec/(id)/start: {"Detach":bool,"Tty":bool}; blank means both false.</summary>
    public static ExecStartBody ReadExecStart(ReadOnlySpan<byte> body)
    {
        if (IsBlank(body))
        {
            return new ExecStartBody();
        }
        try
        {
            return JsonSerializer.Deserialize(body, EngineJsonContext.Default.ExecStartBody) ?? new ExecStartBody();
        }
        catch (JsonException e)
        {
            throw Malformed(e);
        }
    }

    /// <summary>POST /commit: an optional ContainerConfig; blank, null or {} give null (the container's config is used).</summary>
    public static ContainerConfig? ReadCommitConfig(ReadOnlySpan<byte> body)
    {
        if (IsBlank(body) || body.Trim(" \t\r\n"u8).SequenceEqual("null"u8))
        {
            return null;
        }
        try
        {
            var config = JsonSerializer.Deserialize(body, EngineJsonContext.Default.ContainerConfig);
            if (config is not null)
            {
                Normalize(config);
            }
            return config;
        }
        catch (JsonException e)
        {
            throw Malformed(e);
        }
    }

    private static BadHttpInputException Malformed(JsonException e)
    {
        var where = e.Path is { Length: > 0 } path ? $" at {path}" : "";
        var detail = e.InnerException?.Message ?? e.Message;
        return new BadHttpInputException($"invalid JSON{where}: {detail}");
    }

    private static bool IsBlank(ReadOnlySpan<byte> body) => body.Trim(" \t\r\n"u8).IsEmpty;

    /// <summary>JSON nulls where the model has non-null defaults become those defaults.</summary>
    private static void Normalize(ContainerConfig c)
    {
        c.Hostname ??= "";
        c.Domainname ??= "";
        c.User ??= "";
        c.Image ??= "";
        c.WorkingDir ??= "";
        c.MacAddress ??= "";
    }

    private static void Normalize(HostConfig h)
    {
        h.ContainerIDFile ??= "";
        h.LogConfig ??= new LogConfig();
        h.LogConfig.Type ??= "json-file";
        h.NetworkMode ??= "";
        h.RestartPolicy ??= new RestartPolicy();
        h.RestartPolicy.Name ??= "";
        h.IpcMode ??= "";
        h.PidMode ??= "";
        h.UTSMode ??= "";
        h.CgroupParent ??= "";
        h.CpusetCpus ??= "";
        h.CpusetMems ??= "";
    }
}
