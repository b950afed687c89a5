using Engine.Core.Build;
using Engine.Core.Build.Dockerfile;
using Engine.Storage.Errors;

namespace Engine.Core.Tests.Build;

/// <summary>The Dockerfile parser, environment expansion, .dockerignore and glob rules: pure functions, no root.</summary>
public sealed class DockerfileParserTests
{
    [Fact]
    public void Continuations_comments_and_blank_lines()
    {
        var parsed = DockerfileParser.Parse("# comment\nFROM busybox\n\nRUN echo a \\\n# inside\n\n  b\nrun   echo lower\n");
        Assert.Equal(3, parsed.Count);
        Assert.Equal("from", parsed[0].Command);
        Assert.Equal(["busybox"], parsed[0].Args);
        Assert.Equal(["echo a   b"], parsed[1].Args);
        Assert.False(parsed[1].Json);
        Assert.Equal("run", parsed[2].Command);
    }

    [Fact]
    public void Exec_and_shell_forms()
    {
        var exec = DockerfileParser.ParseLine("CMD [\"echo\", \"a b\"]");
        Assert.True(exec.Json);
        Assert.Equal(["echo", "a b"], exec.Args);
        var notJson = DockerfileParser.ParseLine("RUN [not json");
        Assert.False(notJson.Json);
        Assert.Equal(["[not json"], notJson.Args);
        var copy = DockerfileParser.ParseLine("COPY a b  /dest/");
        Assert.Equal(["a", "b", "/dest/"], copy.Args);
        var volume = DockerfileParser.ParseLine("VOLUME [\"/a\", \"/b\"]");
        Assert.Equal(["/a", "/b"], volume.Args);
        Assert.Equal("CMD echo a b", exec.StepText);
    }

    [Fact]
    public void Env_forms()
    {
        Assert.Equal(["A", "1", "B", "\"x y\"", "C", "a\\ b"], DockerfileParser.ParseLine("ENV A=1 B=\"x y\" C=a\\ b").Args);
        Assert.Equal(["OLD", "style value"], DockerfileParser.ParseLine("ENV OLD style value").Args);
        Assert.Throws<EngineException>(() => DockerfileParser.ParseLine("ENV A=1 B"));
        Assert.Throws<EngineException>(() => DockerfileParser.ParseLine("ENV lonely"));
    }

    [Fact]
    public void Onbuild_keeps_its_trigger()
    {
        var onbuild = DockerfileParser.ParseLine("ONBUILD RUN echo hi");
        Assert.Equal("onbuild", onbuild.Command);
        Assert.Equal(["RUN echo hi"], onbuild.Args);
        Assert.Equal("run", onbuild.Trigger!.Command);
        Assert.Equal("ONBUILD RUN echo hi", onbuild.StepText);
    }

    [Theory]
    [InlineData("$A", "a")]
    [InlineData("${A}b", "ab")]
    [InlineData("${UNSET:-dflt}", "dflt")]
    [InlineData("${A:-dflt}", "a")]
    [InlineData("${A:+alt}", "alt")]
    [InlineData("${UNSET:+alt}", "")]
    [InlineData("'$A'", "$A")]
    [InlineData("\"$A \\$A\"", "a $A")]
    [InlineData("\\$A", "$A")]
    [InlineData("x$", "x$")]
    [InlineData("$SPACE", "s p")]
    [InlineData("\"x y\"", "x y")]
    public void Shell_words_expand_as_Docker(string word, string expected) =>
        Assert.Equal(expected, ShellWord.Expand(word, ["A=a", "SPACE=s p", "AB"]));

    [Fact]
    public void Bad_substitution_is_an_error() =>
        Assert.Throws<EngineException>(() => ShellWord.Expand("${A:?x}", ["A=1"]));

    [Theory]
    [InlineData("*.log", "a.log", true)]
    [InlineData("*.log", "d/a.log", false)]
    [InlineData("**/*.log", "d/e/a.log", true)]
    [InlineData("**/*.log", "a.log", true)]
    [InlineData("build", "build/x/y", true)]
    [InlineData("/build", "build", true)]
    [InlineData("b?ild", "build", true)]
    [InlineData("[ab].txt", "b.txt", true)]
    [InlineData("[ab].txt", "c.txt", false)]
    public void Dockerignore_patterns(string pattern, string path, bool excluded) =>
        Assert.Equal(excluded, DockerIgnore.Parse(pattern).IsExcluded(path));

    [Fact]
    public void Dockerignore_exclusions_last_match_wins()
    {
        var ignore = DockerIgnore.Parse("# comment\n*.md\n!README.md\ndocs\n!docs/keep\n");
        Assert.True(ignore.IsExcluded("a.md"));
        Assert.False(ignore.IsExcluded("README.md"));
        Assert.True(ignore.IsExcluded("docs/x"));
        Assert.False(ignore.IsExcluded("docs/keep"));
        Assert.False(ignore.IsExcluded("src/a.c"));
    }

    [Theory]
    [InlineData("*.txt", "a.txt", true)]
    [InlineData("*.txt", "d/a.txt", false)]
    [InlineData("d/*", "d/a.txt", true)]
    [InlineData("file?", "file1", true)]
    [InlineData("[!a]x", "bx", true)]
    [InlineData("file[0-9].txt", "file5.txt", true)]
    [InlineData("file[0-9].txt", "fileX.txt", false)]
    [InlineData("[a-", "a", false)]
    public void Copy_wildcards_are_go_path_match(string pattern, string name, bool match) =>
        Assert.Equal(match, BuildContext.GlobMatch(pattern, name));

    [Fact]
    public void Step_texts_as_Docker_writes_them()
    {
        Assert.Equal("[\"/bin/sh\" \"-c\" \"echo \\\"hi\\\"\"]", Builder.GoQuote(["/bin/sh", "-c", "echo \"hi\""]));
        Assert.Equal("[]", Builder.GoQuote(null));
        Assert.Equal(["80/tcp"], Builder.ParsePorts("80"));
        Assert.Equal(["53/udp"], Builder.ParsePorts("53/udp"));
        Assert.Equal(["8000/tcp", "8001/tcp"], Builder.ParsePorts("8000-8001"));
        Assert.Throws<EngineException>(() => Builder.ParsePorts("x").ToList());
    }
}
