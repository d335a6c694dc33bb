namespace ProtoGen.Bitcoin;

/// <summary>
/// The Bitcoin P2P message set. The generator fills this class with the dispatcher (<c>TryDispatch</c>,
/// <c>Dispatch</c>, <c>Decode</c>), the catalogue (<c>Messages</c>, <c>FindMessage</c>) and emits
/// <c>IBitcoinListener&lt;TPeer&gt;</c> and <c>BitcoinListeners&lt;TPeer&gt;</c>.
/// </summary>
[MessageSet("Bitcoin")]
public static partial class BitcoinMessages
{
}
