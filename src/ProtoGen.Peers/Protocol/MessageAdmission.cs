using ProtoGen.Bitcoin;

namespace ProtoGen.Peers.Protocol;

/// <summary>What to do with a message before decoding it.</summary>
internal enum AdmissionVerdict
{
    /// <summary>Decode and handle it.</summary>
    Process,

    /// <summary>Drop it and keep the peer (counted as ignored, logged with the reason).</summary>
    Ignore,

    /// <summary>End the peer.</summary>
    Disconnect,
}

/// <summary>The verdict on one message, with the reason for anything but <see cref="AdmissionVerdict.Process"/>.</summary>
/// <param name="Verdict">What to do.</param>
/// <param name="Why">Why it is ignored, or the disconnect reason's detail.</param>
/// <param name="Kind">The disconnect kind.</param>
internal readonly record struct Admission(AdmissionVerdict Verdict, string? Why = null, DisconnectKind Kind = DisconnectKind.None)
{
    public static Admission Process => default;

    public static Admission Ignore(string why) => new(AdmissionVerdict.Ignore, why);

    public static Admission Disconnect(DisconnectKind kind, string why) => new(AdmissionVerdict.Disconnect, why, kind);
}

/// <summary>
/// Decides, before decoding, whether a message may be processed in the current state, as Bitcoin Core does: anything
/// but version before version is ignored; only feature negotiation is processed between version and verack (and the
/// BIP339/BIP155/BIP330 messages after verack end the peer, and so does a BIP434 feature after verack or below version
/// 70017); messages the negotiated version does not allow are ignored;
/// bloom messages follow BIP111 when we do not offer NODE_BLOOM.
/// </summary>
internal static class MessageAdmission
{
    /// <param name="command">The message's command.</param>
    /// <param name="descriptor">Its catalogue entry, when a message set knows it.</param>
    /// <param name="userSet">Whether the entry comes from a user's message set (the bloom rules are Bitcoin's).</param>
    /// <param name="state">The handshake's state.</param>
    /// <param name="ourServices">The services we advertise.</param>
    public static Admission Decide(MessageCommand command, MessageDescriptor? descriptor, bool userSet, HandshakeView state, ServiceFlags ourServices)
    {
        if (command == VersionMessage.Command)
        {
            return state.VersionReceived ? Admission.Ignore("redundant version") : Admission.Process;
        }

        if (!state.VersionReceived)
        {
            return Admission.Ignore("non-version message before version handshake");
        }

        if (command == VerAckMessage.Command && state.VerackReceived)
        {
            // Bitcoin Core: "ignoring redundant verack message".
            return Admission.Ignore("redundant verack");
        }

        if (command == FeatureMessage.Command)
        {
            // BIP434 as Bitcoin Core applies it: a feature after verack, or from a peer whose negotiated version is
            // below 70017, ends the peer; between version and verack it is processed (unknown ids are ignored later).
            if (state.VerackReceived)
            {
                return Admission.Disconnect(DisconnectKind.ProtocolViolation, "feature received after verack");
            }

            return state.NegotiatedVersion < ProtocolVersions.Bip434
                ? Admission.Disconnect(DisconnectKind.ProtocolViolation, $"feature received with incompatible version {state.NegotiatedVersion}")
                : Admission.Process;
        }

        bool featureMessage = command == WtxidRelayMessage.Command || command == SendAddrV2Message.Command || command == SendTxRcnclMessage.Command;
        if (!state.VerackReceived)
        {
            if (!featureMessage && command != VerAckMessage.Command && command != SendHeadersMessage.Command && command != SendCmpctMessage.Command)
            {
                return Admission.Ignore("unsupported message prior to verack");
            }
        }
        else if (featureMessage)
        {
            // Bitcoin Core: wtxidrelay, sendaddrv2 and sendtxrcncl are only allowed before verack.
            return Admission.Disconnect(DisconnectKind.ProtocolViolation, $"{command} received after verack");
        }

        if (descriptor is null)
        {
            return Admission.Process;
        }

        if (descriptor.MinProtocolVersion > state.NegotiatedVersion)
        {
            return Admission.Ignore($"needs protocol version {descriptor.MinProtocolVersion}, negotiated {state.NegotiatedVersion}");
        }

        if (userSet || (ourServices & ServiceFlags.Bloom) != 0)
        {
            return Admission.Process;
        }

        if (command == MemPoolMessage.Command)
        {
            return Admission.Disconnect(DisconnectKind.BloomNotSupported, "mempool request without NODE_BLOOM");
        }

        if (command == FilterLoadMessage.Command || command == FilterAddMessage.Command || command == FilterClearMessage.Command)
        {
            return state.NegotiatedVersion >= ProtocolVersions.Bip111
                ? Admission.Disconnect(DisconnectKind.BloomNotSupported, $"{command} without NODE_BLOOM (BIP111)")
                : Admission.Ignore("bloom filters are not offered (NODE_BLOOM off)");
        }

        return Admission.Process;
    }
}
