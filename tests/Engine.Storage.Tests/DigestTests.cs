using Engine.Storage.Layers;

namespace Engine.Storage.Tests;

public class DigestTests
{
    // sha256 of 1024 zero bytes: the empty tar, Docker's well-known empty layer diffID.
    public const string EmptyTarDiffId = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

    [Fact]
    public void ChainIdOfOneLayerIsItsDiffId() =>
        Assert.Equal(EmptyTarDiffId, Digests.ChainId(null, EmptyTarDiffId));

    [Fact]
    public void ChainIdsMatchTheOciDefinition()
    {
        // The fixture image's diffIDs; expected values from `printf '%s %s' A B | sha256sum`.
        string[] diffIds =
        [
            "sha256:dd38dbbfeee7da12d4711d46e3a7f72a034557a0336113db4274377732369ad7",
            "sha256:394c848dd32deee6eae9c1d2e38eb7fa99744431714969b8c348d6677adc86e0",
            "sha256:038c7e01d78b4a1d598f7e1f52a80af017a2d4bbe18ca7592594e1044dd01371",
        ];
        var chain = Digests.ChainIds(diffIds);
        Assert.Equal(diffIds[0], chain[0]);
        Assert.Equal(ExpectedChain1, chain[1]);
        Assert.Equal(ExpectedChain2, chain[2]);
    }

    public const string ExpectedChain1 = "sha256:aa44589a10836f81fab1b36ae11b5dd8a4cb2370c4a7ba4339e813f40d780b60";
    public const string ExpectedChain2 = "sha256:0fe6e64d835ccd4dbb85707a258a3f46fe3a437d7040b14ccf0b9bcb94e32c35";
}
