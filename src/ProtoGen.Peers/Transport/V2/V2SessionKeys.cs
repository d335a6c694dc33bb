using System;
using System.Security.Cryptography;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>
/// What <see cref="V2KeyExchange.DeriveKeys"/> derives, assigned to our role: the send and receive keys of the length
/// cipher and of the packet AEAD, our and their garbage terminators, and the session id. <see cref="Dispose"/> wipes
/// all but the session id, which is public.
/// </summary>
internal sealed class V2SessionKeys : IDisposable
{
    /// <summary>Creates empty key material for <see cref="V2KeyExchange"/> to fill.</summary>
    /// <param name="initiator">Whether we opened the connection.</param>
    internal V2SessionKeys(bool initiator) => IsInitiator = initiator;

    /// <summary>Whether we opened the connection.</summary>
    public bool IsInitiator { get; }

    /// <summary>The key of the length cipher we encrypt with.</summary>
    public byte[] SendLengthKey { get; } = new byte[V2Protocol.SecretSize];

    /// <summary>The key of the packet AEAD we encrypt with.</summary>
    public byte[] SendPacketKey { get; } = new byte[V2Protocol.SecretSize];

    /// <summary>The key of the length cipher we decrypt with.</summary>
    public byte[] ReceiveLengthKey { get; } = new byte[V2Protocol.SecretSize];

    /// <summary>The key of the packet AEAD we decrypt with.</summary>
    public byte[] ReceivePacketKey { get; } = new byte[V2Protocol.SecretSize];

    /// <summary>The terminator we send after our garbage.</summary>
    public byte[] SendGarbageTerminator { get; } = new byte[V2Protocol.GarbageTerminatorSize];

    /// <summary>The terminator that ends the remote's garbage.</summary>
    public byte[] ReceiveGarbageTerminator { get; } = new byte[V2Protocol.GarbageTerminatorSize];

    /// <summary>The session id: the same on both sides of an unintercepted connection.</summary>
    public byte[] SessionId { get; } = new byte[V2Protocol.SessionIdSize];

    /// <summary>Creates the encoder for our direction.</summary>
    public V2PacketEncoder CreateEncoder() => new(SendLengthKey, SendPacketKey);

    /// <summary>Creates the decoder for the remote's direction.</summary>
    /// <param name="maxContentsLength">The longest contents accepted.</param>
    public V2PacketDecoder CreateDecoder(int maxContentsLength = V2Packet.MaxContentsLength) => new(ReceiveLengthKey, ReceivePacketKey, maxContentsLength);

    /// <inheritdoc/>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(SendLengthKey);
        CryptographicOperations.ZeroMemory(SendPacketKey);
        CryptographicOperations.ZeroMemory(ReceiveLengthKey);
        CryptographicOperations.ZeroMemory(ReceivePacketKey);
        CryptographicOperations.ZeroMemory(SendGarbageTerminator);
        CryptographicOperations.ZeroMemory(ReceiveGarbageTerminator);
    }
}
