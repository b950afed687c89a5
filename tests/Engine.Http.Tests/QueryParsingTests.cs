using Engine.Http.Routing;

namespace Engine.Http.Tests;

public class QueryParsingTests
{
    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("yes", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("", false)]
    [InlineData(" none ", false)]
    [InlineData("no", false)]
    public void Bool_follows_docker(string value, bool expected) => Assert.Equal(expected, QueryParsing.Bool(value));

    [Fact]
    public void Bool_absent_is_default() => Assert.True(QueryParsing.Bool(null, defaultValue: true));

    [Fact]
    public void Filters_map_of_arrays()
    {
        var filters = QueryParsing.Filters("""{"status":["running","exited"],"label":["a=b"]}""");
        Assert.Equal(["running", "exited"], filters["status"]);
        Assert.Equal(["a=b"], filters["label"]);
    }

    [Fact]
    public void Filters_map_of_bools_keeps_true_keys()
    {
        var filters = QueryParsing.Filters("""{"status":{"running":true,"paused":false},"name":{"web":true}}""");
        Assert.Equal(["running"], filters["status"]);
        Assert.Equal(["web"], filters["name"]);
    }

    [Fact]
    public void Filters_empty_and_invalid()
    {
        Assert.Empty(QueryParsing.Filters(null));
        Assert.Empty(QueryParsing.Filters(""));
        var e = Assert.Throws<Engine.Storage.Errors.EngineException>(() => QueryParsing.Filters("{nope"));
        Assert.Equal(Engine.Storage.Errors.ErrorKind.InvalidParameter, e.Kind);
    }

    [Theory]
    [InlineData("all", null)]
    [InlineData("", null)]
    [InlineData("10", 10)]
    [InlineData("x", null)]
    public void Tail(string value, int? expected) => Assert.Equal(expected, QueryParsing.Tail(value));

    [Fact]
    public void Timestamps_unix_with_fraction_and_rfc3339()
    {
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1374067924), QueryParsing.Timestamp("1374067924", "since"));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1374067924).AddTicks(1234567), QueryParsing.Timestamp("1374067924.123456789", "since"));
        Assert.Equal(new DateTimeOffset(2015, 1, 6, 15, 47, 31, TimeSpan.Zero), QueryParsing.Timestamp("2015-01-06T15:47:31Z", "since"));
        Assert.Null(QueryParsing.Timestamp("", "since"));
    }

    [Theory]
    [InlineData("/v1.19/containers/json", "/containers/json", "1.19")]
    [InlineData("/v1.41/_ping", "/_ping", "1.41")]
    [InlineData("/containers/json", "/containers/json", null)]
    [InlineData("/version", "/version", null)]
    public void Version_prefix(string path, string rest, string? version)
    {
        Assert.Equal(rest, ApiVersion.StripPrefix(path, out var v));
        Assert.Equal(version, v?.ToString());
    }
}
