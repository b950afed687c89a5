using System.Security.Cryptography;
using System.Text;

namespace Engine.Http.Tests.Acceptance;

/// <summary>Issue 2, Done when: 100 MB of text through a container's stdout loses no byte, attached and in `docker logs`.</summary>
[Trait("Category", "Root")]
public sealed class BulkOutputTests(AcceptanceEngine fixture) : IClassFixture<AcceptanceEngine>
{
    private const int Size = 100_000_000;
    private static readonly string s_line = string.Join(' ', Enumerable.Range(0, 100));

    /// <summary>What `yes LINE | head -c 100000000` prints.</summary>
    private static string Expected()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var line = Encoding.ASCII.GetBytes(s_line + "\n");
        var block = new byte[line.Length * 1024];
        for (int i = 0; i < 1024; i++)
        {
            line.CopyTo(block, i * line.Length);
        }
        long left = Size;
        while (left > 0)
        {
            int n = (int)Math.Min(left, block.Length);
            hash.AppendData(block, 0, n);
            left -= n;
        }
        return $"{Convert.ToHexStringLower(hash.GetHashAndReset())} {Size}";
    }

    [Fact]
    public async Task Hundred_megabytes_arrive_whole_attached_and_in_logs()
    {
        var expected = Expected();
        var name = AcceptanceEngine.UniqueName("bulk");
        string[] command = ["sh", "-c", $"yes '{s_line}' | head -c {Size}"];

        var attached = await DockerCli.RunHashingStdoutAsync(fixture.Engine.DockerHost, ["run", "--name", name, "busybox", .. command], TimeSpan.FromMinutes(3));
        Assert.True(attached.ExitCode == 0, attached.ToString());
        Assert.Equal("", attached.StandardError);
        Assert.Equal(expected, attached.StandardOutput);

        var logs = await DockerCli.RunHashingStdoutAsync(fixture.Engine.DockerHost, ["logs", name], TimeSpan.FromMinutes(3));
        Assert.True(logs.ExitCode == 0, logs.ToString());
        Assert.Equal("", logs.StandardError);
        Assert.Equal(expected, logs.StandardOutput);

        var rm = await fixture.DockerAsync("rm", name);
        Assert.True(rm.ExitCode == 0, rm.ToString());
    }
}
