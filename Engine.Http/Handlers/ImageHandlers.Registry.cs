using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Engine.Http.Json;
using Engine.Http.Routing;
using Engine.Storage.Errors;
using Engine.Storage.Registry;

namespace Engine.Http.Handlers;

/// <summary>docker pull (POST /images/create?fromImage=), push, login (POST /auth) and search.</summary>
internal static partial class ImageHandlers
{
    /// <summary>
    /// fromImage=NAME[&amp;tag=TAG] (TAG may be a digest, as current clients send name@digest). The name is checked
    /// before the stream starts (400); after that, failures are JSON error lines as Docker writes them.
    /// </summary>
    private static Task PullAsync(ApiContext c, string fromImage, string? tag)
    {
        var reference = RegistryReference.Parse(fromImage, tag).ToString();
        var auth = AuthFromHeader(c);
        return StreamProgressAsync(c, progress => c.Engine.Images.PullAsync(reference, auth, progress, c.Aborted));
    }

    /// <summary>POST /images/(name)/push?tag=: every tag of the repository when tag is empty.</summary>
    public static Task PushAsync(ApiContext c)
    {
        var name = c.Route("name");
        var tag = c.Query("tag");
        RegistryReference.Parse(name, string.IsNullOrEmpty(tag) ? null : tag);
        var auth = AuthFromHeader(c);
        return StreamProgressAsync(c, progress => c.Engine.Images.PushAsync(name, string.IsNullOrEmpty(tag) ? null : tag, auth, progress, c.Aborted));
    }

    /// <summary>POST /auth: 200 {"Status":"Login Succeeded"}, or 401 with the registry's reason.</summary>
    public static async Task AuthAsync(ApiContext c)
    {
        var body = JsonSerializer.Deserialize(await c.ReadBodyAsync(64 * 1024), EngineJsonContext.Default.AuthConfigBody)
            ?? throw new Errors.BadHttpInputException("missing auth config");
        await c.Engine.Images.LoginAsync(ToRegistryAuth(body), c.Aborted);
        await c.WriteJsonAsync(new AuthResponse { Status = "Login Succeeded" }, EngineJsonContext.Default.AuthResponse);
    }

    /// <summary>GET /images/search?term=HOST[:PORT]/TEXT&amp;limit=: the registry's /v2/_catalog filtered by TEXT.</summary>
    public static async Task SearchAsync(ApiContext c)
    {
        var term = c.Query("term");
        if (string.IsNullOrEmpty(term))
        {
            throw new Errors.BadHttpInputException("term is required");
        }
        var limit = int.TryParse(c.Query("limit"), out var l) ? l : 25;
        var results = await c.Engine.Images.SearchAsync(term, AuthFromHeader(c), limit, c.Aborted);
        await c.WriteJsonAsync(results.Select(r => new SearchResultItem
        {
            Name = r.Name,
            Description = r.Description,
            StarCount = r.StarCount,
            IsOfficial = r.IsOfficial,
            IsAutomated = r.IsAutomated,
        }).ToList(), EngineJsonContext.Default.ListSearchResultItem);
    }

    /// <summary>X-Registry-Auth: base64url (padding optional) of the auth config JSON; absent, empty or "{}" means anonymous.</summary>
    internal static RegistryAuth? AuthFromHeader(ApiContext c)
    {
        var header = c.Http.Request.Headers["X-Registry-Auth"].ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }
        try
        {
            var s = header.Trim().Replace('-', '+').Replace('_', '/');
            s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
            var body = JsonSerializer.Deserialize(Convert.FromBase64String(s), EngineJsonContext.Default.AuthConfigBody);
            return body is null ? null : ToRegistryAuth(body);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            // Docker ignores an undecodable header and goes on anonymously.
            return null;
        }
    }

    private static RegistryAuth ToRegistryAuth(AuthConfigBody body)
    {
        var user = body.Username;
        var password = body.Password;
        if (string.IsNullOrEmpty(user) && !string.IsNullOrEmpty(body.Auth))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(body.Auth));
                var colon = decoded.IndexOf(':');
                if (colon > 0)
                {
                    user = decoded[..colon];
                    password = decoded[(colon + 1)..];
                }
            }
            catch (FormatException)
            {
            }
        }
        return new RegistryAuth
        {
            Username = user,
            Password = password,
            IdentityToken = body.IdentityToken,
            RegistryToken = body.RegistryToken,
            ServerAddress = body.ServerAddress,
        };
    }

    /// <summary>
    /// Runs the operation while its progress messages are written as JSON lines, flushed one by one. The
    /// operation's failure becomes the last line, {"errorDetail":{"message"},"error"}, with status 200 already sent.
    /// </summary>
    private static async Task StreamProgressAsync(ApiContext c, Func<IProgress<RegistryProgress>, Task> operation)
    {
        var channel = Channel.CreateUnbounded<RegistryProgress>(new UnboundedChannelOptions { SingleReader = true });
        c.Http.Response.StatusCode = 200;
        c.Http.Response.ContentType = "application/json";
        await c.Http.Response.StartAsync(c.Aborted);
        var work = Task.Run(async () =>
        {
            try
            {
                await operation(new ChannelProgress(channel.Writer));
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        });
        await foreach (var message in channel.Reader.ReadAllAsync(c.Aborted))
        {
            await c.WriteProgressLineAsync(ToLine(message));
        }
        try
        {
            await work;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await c.WriteProgressLineAsync(new ProgressLine { ErrorDetail = new ErrorDetail { Message = e.Message }, Error = e.Message });
        }
    }

    private static ProgressLine ToLine(RegistryProgress p) => new()
    {
        Status = p.Aux is null ? p.Status : null,
        Id = p.Id,
        ProgressDetail = p.HasDetail || p.Current is not null ? new ProgressDetail { Current = p.Current, Total = p.Total } : null,
        Aux = p.Aux is { } aux ? new PushAux { Tag = aux.Tag, Digest = aux.Digest, Size = aux.Size } : null,
    };


    private sealed class ChannelProgress(ChannelWriter<RegistryProgress> writer) : IProgress<RegistryProgress>
    {
        public void Report(RegistryProgress value) => writer.TryWrite(value);
    }
}
