using Microsoft.AspNetCore.Http;

namespace Engine.Http.Routing;

/// <summary>Headers on every answer, as Docker sends them: Server, Api-Version, OSType.</summary>
internal static class CommonHeaders
{
    public static void Apply(IHeaderDictionary headers, EngineHttpOptions options)
    {
        headers["Server"] = options.ServerHeader;
        headers["Api-Version"] = ApiVersion.Current;
        headers["OSType"] = "linux";
    }

    /// <summary>The same headers as raw HTTP/1.1 lines (each ending in CRLF), for hijacked answers.</summary>
    public static string Lines(EngineHttpOptions options)
        => $"Server: {options.ServerHeader}\r\nApi-Version: {ApiVersion.Current}\r\nOSType: linux\r\n";
}
