using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Peers.Tests.Support;

/// <summary>One frame read off the wire: its header, payload and every byte of it.</summary>
internal sealed record WireFrame(FrameHeader Header, byte[] Payload, byte[] Bytes)
{
    public string Command => Header.Command.ToString();

    public T Decode<T>(WireContext context = default)
        where T : IWireSerializable<T> => WireSerializer.Decode<T>(Payload.AsMemory(), context);
}
