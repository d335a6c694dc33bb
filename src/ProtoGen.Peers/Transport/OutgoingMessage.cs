using System.Threading.Tasks;

namespace ProtoGen.Peers.Transport;

/// <summary>A message waiting to be written, with the signal its sender waits on.</summary>
/// <param name="Message">The message.</param>
/// <param name="Sent">Completed once the message is written, failed when it cannot be; may be null.</param>
/// <param name="Flags">Encoding flags chosen by the sender; null lets the peer choose.</param>
/// <param name="User">Whether it counts against the user lane's capacity (the peer's own messages do not).</param>
/// <param name="Bytes">Its size on the wire, as measured when it was queued (counted in the peer's send buffer until written).</param>
internal readonly record struct OutgoingMessage(IMessage Message, TaskCompletionSource? Sent, WireFlags? Flags, bool User, int Bytes);
