namespace ProtoGen.Peers.Tests.Support;

/// <summary>A message the Bitcoin set does not know, with a command of the test's choosing (for unique metric tags).</summary>
internal sealed class CustomMessage(string command, byte[] payload) : IMessage
{
    public MessageCommand Command { get; } = MessageCommand.Parse(command);

    public byte[] Payload { get; } = payload;

    public int GetEncodedSize(WireContext context) => Payload.Length;

    public void WriteTo(ref WireWriter writer)
    {
        foreach (byte b in Payload)
        {
            writer.WriteByte(b);
        }
    }
}
