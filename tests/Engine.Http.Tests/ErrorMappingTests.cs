using System.Text;
using Engine.Http.Errors;
using Engine.Http.Routing;
using Engine.Storage.Errors;

namespace Engine.Http.Tests;

public class ErrorMappingTests
{
    [Theory]
    [InlineData(ErrorKind.NotFound, 404)]
    [InlineData(ErrorKind.Conflict, 409)]
    [InlineData(ErrorKind.InvalidParameter, 400)]
    [InlineData(ErrorKind.NotModified, 304)]
    [InlineData(ErrorKind.NotAcceptable, 406)]
    [InlineData(ErrorKind.Internal, 500)]
    public void Kinds_to_status(ErrorKind kind, int status)
        => Assert.Equal(status, ErrorMapping.StatusCodeFor(kind, new ApiVersion(1, 19)));

    [Fact]
    public void Not_running_is_500_in_old_versions_and_409_later()
    {
        Assert.Equal(500, ErrorMapping.StatusCodeFor(ErrorKind.NotRunning, new ApiVersion(1, 19)));
        Assert.Equal(409, ErrorMapping.StatusCodeFor(ErrorKind.NotRunning, new ApiVersion(1, 41)));
        Assert.Equal(409, ErrorMapping.StatusCodeFor(ErrorKind.NotRunning, null));
    }

    [Fact]
    public void Plain_text_below_1_24()
    {
        var error = ErrorMapping.Create(EngineException.NotFound("No such container: x"), new ApiVersion(1, 19));
        Assert.Equal(404, error.StatusCode);
        Assert.StartsWith("text/plain", error.ContentType);
        Assert.Equal("No such container: x\n", Encoding.UTF8.GetString(error.Body));
    }

    [Fact]
    public void Json_from_1_24_and_unversioned()
    {
        foreach (var version in new ApiVersion?[] { new ApiVersion(1, 24), new ApiVersion(1, 41), null })
        {
            var error = ErrorMapping.Create(EngineException.Conflict("name in use"), version);
            Assert.Equal(409, error.StatusCode);
            Assert.Equal("application/json", error.ContentType);
            Assert.Equal("{\"message\":\"name in use\"}\n", Encoding.UTF8.GetString(error.Body));
        }
    }

    [Fact]
    public void Not_modified_has_empty_body()
    {
        var error = ErrorMapping.Create(EngineException.NotModified("already started"), new ApiVersion(1, 19));
        Assert.Equal(304, error.StatusCode);
        Assert.Empty(error.Body);
    }
}
