namespace ProtoGen.Bitcoin;

/// <summary>
/// The Bitcoin P2P message set. The generator fills this class with the dispatcher (<c>TryDispatch</c>,
/// <c>Dispatch</c>, <c>TryHandle</c>, <c>Deliver</c>, <c>Decode</c>, <c>CreateDispatcher</c>), the catalogue
/// (<c>Messages</c>, <c>FindMessage</c>) and emits <c>IBitcoinListener&lt;TPeer&gt;</c>,
/// <c>BitcoinListeners&lt;TPeer&gt;</c> and <c>BitcoinListenerGroup&lt;TPeer&gt;</c>. Every message's payload is
/// capped at <see cref="ProtocolLimits.MaxMessagePayload"/>.
/// </summary>
[MessageSet("Bitcoin", MaxPayloadLength = ProtocolLimits.MaxMessagePayload)]
public static partial class BitcoinMessages
{
}
