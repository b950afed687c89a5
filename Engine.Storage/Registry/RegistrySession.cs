using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Engine.Storage.Errors;

namespace Engine.Storage.Registry;

/// <summary>
/// One conversation with a registry about one repository: pings /v2/, answers its challenge once (basic, or a
/// bearer token for the repository scope), then sends every request with that Authorization header. Requests
/// with streamed bodies cannot be replayed, so the credentials are settled before any of them is sent.
/// </summary>
internal sealed class RegistrySession
{
    private readonly HttpClient _http;
    private readonly RegistryAuth? _auth;
    private AuthenticationHeaderValue? _authorization;

    private RegistrySession(HttpClient http, Uri baseUri, string domain, RegistryAuth? auth)
    {
        _http = http;
        BaseUri = baseUri;
        Domain = domain;
        _auth = auth;
    }

    public Uri BaseUri { get; }
    public string Domain { get; }

    /// <summary>Pings the registry and authenticates for <paramref name="scope"/> ("repository:a/b:pull,push", or null for login).</summary>
    public static async Task<RegistrySession> OpenAsync(HttpClient http, string domain, RegistryAuth? auth, string? scope, CancellationToken cancellationToken)
    {
        var session = new RegistrySession(http, RegistryReference.RegistryBaseUri(domain), domain, auth);
        await session.AuthenticateAsync(scope, cancellationToken).ConfigureAwait(false);
        return session;
    }

    private async Task AuthenticateAsync(string? scope, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(_auth?.RegistryToken))
        {
            _authorization = new AuthenticationHeaderValue("Bearer", _auth.RegistryToken);
            return;
        }
        using var ping = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri, "v2/")), cancellationToken).ConfigureAwait(false);
        if (ping.StatusCode != HttpStatusCode.Unauthorized)
        {
            if (!ping.IsSuccessStatusCode)
            {
                throw new EngineException(ErrorKind.Internal, $"registry {Domain} does not speak the v2 API: GET /v2/ answered {(int)ping.StatusCode} {ping.ReasonPhrase}");
            }
            return;
        }
        var challenge = ping.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            ?? ping.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
            ?? throw Unauthorized("the registry asks for authentication without a Basic or Bearer challenge");
        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrEmpty(_auth?.Username))
            {
                throw Unauthorized("no basic auth credentials");
            }
            _authorization = BasicHeader(_auth.Username, _auth.Password ?? "");
            using var check = await SendRawAsync(Authorized(new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri, "v2/"))), cancellationToken).ConfigureAwait(false);
            if (!check.IsSuccessStatusCode)
            {
                throw Unauthorized("login attempt to " + new Uri(BaseUri, "v2/") + " failed with status: " + (int)check.StatusCode + " " + check.ReasonPhrase);
            }
            return;
        }
        var parameters = ParseChallenge(challenge.Parameter ?? "");
        if (!parameters.TryGetValue("realm", out var realm) || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri))
        {
            throw Unauthorized("the registry's bearer challenge has no realm");
        }
        var query = new List<string>();
        if (parameters.TryGetValue("service", out var service))
        {
            query.Add("service=" + Uri.EscapeDataString(service));
        }
        if (scope is not null)
        {
            query.Add("scope=" + Uri.EscapeDataString(scope));
        }
        if (!string.IsNullOrEmpty(_auth?.IdentityToken))
        {
            throw Unauthorized("identity tokens (OAuth2 refresh tokens) are not supported: log in with a username and password");
        }
        var builder = new UriBuilder(realmUri) { Query = string.Join('&', query) };
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
        if (!string.IsNullOrEmpty(_auth?.Username))
        {
            tokenRequest.Headers.Authorization = BasicHeader(_auth.Username, _auth.Password ?? "");
        }
        using var tokenResponse = await SendRawAsync(tokenRequest, cancellationToken).ConfigureAwait(false);
        if (!tokenResponse.IsSuccessStatusCode)
        {
            throw Unauthorized($"getting a token from {realmUri.GetLeftPart(UriPartial.Path)} failed: {(int)tokenResponse.StatusCode} {tokenResponse.ReasonPhrase}");
        }
        var token = await JsonSerializer.DeserializeAsync(await tokenResponse.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
            RegistryJsonContext.Default.TokenResponse, cancellationToken).ConfigureAwait(false);
        var value = token?.Token ?? token?.AccessToken;
        if (string.IsNullOrEmpty(value))
        {
            throw Unauthorized("the token server answered without a token");
        }
        _authorization = new AuthenticationHeaderValue("Bearer", value);
    }

    private static EngineException Unauthorized(string message) => new(ErrorKind.Unauthorized, message);

    private static AuthenticationHeaderValue BasicHeader(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));

    /// <summary>Parses `realm="...",service="...",scope="..."` (quoted strings with backslash escapes, or tokens).</summary>
    internal static Dictionary<string, string> ParseChallenge(string parameter)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < parameter.Length)
        {
            while (i < parameter.Length && (parameter[i] == ',' || char.IsWhiteSpace(parameter[i])))
            {
                i++;
            }
            var eq = parameter.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }
            var key = parameter[i..eq].Trim();
            i = eq + 1;
            var value = new StringBuilder();
            if (i < parameter.Length && parameter[i] == '"')
            {
                i++;
                while (i < parameter.Length && parameter[i] != '"')
                {
                    if (parameter[i] == '\\' && i + 1 < parameter.Length)
                    {
                        i++;
                    }
                    value.Append(parameter[i++]);
                }
                i++;
            }
            else
            {
                while (i < parameter.Length && parameter[i] != ',')
                {
                    value.Append(parameter[i++]);
                }
            }
            result[key] = value.ToString().Trim();
        }
        return result;
    }

    private HttpRequestMessage Authorized(HttpRequestMessage request)
    {
        if (_authorization is not null)
        {
            request.Headers.Authorization = _authorization;
        }
        return request;
    }

    /// <summary>Sends with the session's credentials; the response is returned unread (headers only).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendRawAsync(Authorized(request), cancellationToken);

    public Uri Url(string relative) => new(BaseUri, relative);

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new EngineException(ErrorKind.Internal,
                $"Get \"{request.RequestUri}\": {e.Message} (registry {Domain} cannot be reached{(Domain == RegistryReference.DefaultDomain ? "; this machine may have no internet access" : "")})", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EngineException(ErrorKind.Internal, $"Get \"{request.RequestUri}\": timed out (registry {Domain} cannot be reached)", e);
        }
    }

    /// <summary>Throws a readable error from a registry's error body ({"errors":[{"code","message"}]}).</summary>
    public static async Task<EngineException> ErrorAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        string detail;
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var errors = body.Length > 0 && body.Length < 65536 ? JsonSerializer.Deserialize(body, RegistryJsonContext.Default.RegistryErrors) : null;
            detail = errors?.Errors is { Count: > 0 } list
                ? string.Join("; ", list.Select(e => $"{e.Code?.ToLowerInvariant().Replace('_', ' ')}: {e.Message}"))
                : $"{(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (JsonException)
        {
            detail = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        }
        var kind = response.StatusCode switch
        {
            HttpStatusCode.NotFound => ErrorKind.NotFound,
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ErrorKind.Unauthorized,
            _ => ErrorKind.Internal,
        };
        return new EngineException(kind, $"{what}: {detail}");
    }
}
