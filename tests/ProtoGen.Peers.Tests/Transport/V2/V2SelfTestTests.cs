using ProtoGen.Peers.Transport.V2;

namespace ProtoGen.Peers.Tests.Transport.V2;

/// <summary>The public self-test that the NativeAOT CLI runs (<c>protogen --self-test</c>).</summary>
public class V2SelfTestTests
{
    [Fact]
    public void The_native_library_loads_and_the_self_test_passes()
    {
        Assert.True(Secp256k1Context.IsAvailable);
        var result = V2SelfTest.Run();
        Assert.Equal(64, result.SessionId.Length);
        Assert.True(result.Elapsed > TimeSpan.Zero);
    }
}
