namespace ProtoGen.Bitcoin.Tests.Framing;

/// <summary>A small generated message used by the framing tests.</summary>
[Message("testmsg")]
public sealed partial record TestMessage
{
    public uint A { get; init; }

    [MaxLength(100)]
    public WireBytes B { get; init; }
}

/// <summary>A hand-written message whose size function can be made to disagree with its encoder.</summary>
internal sealed class RawMessage : IMessage
{
    private readonly byte[] _payload;
    private readonly int _sizeError;

    public RawMessage(string command, byte[] payload, int sizeError = 0)
    {
        Command = MessageCommand.Parse(command);
        _payload = payload;
        _sizeError = sizeError;
    }

    public MessageCommand Command { get; }

    public int GetEncodedSize(WireContext context) => _payload.Length + _sizeError;

    public void WriteTo(ref WireWriter writer) => writer.WriteBytes(_payload);
}
