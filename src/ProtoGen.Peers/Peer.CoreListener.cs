using System;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers;

public sealed partial class Peer
{
    /// <summary>
    /// The peer core's own handling of each Bitcoin message, in front of the user's listener: the generated
    /// dispatcher decodes the frame and calls this; it updates the peer's state, then passes the message on.
    /// </summary>
    private sealed class CoreListener : IBitcoinListener<Peer>
    {
        private readonly Peer _peer;

        public CoreListener(Peer peer) => _peer = peer;

        /// <summary>The message decoded from the current frame (for the read hook).</summary>
        public IMessage? Decoded { get; set; }

        void IBitcoinListener<Peer>.OnAddr(Peer peer, AddrMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnAddr(peer, message));
        }

        void IBitcoinListener<Peer>.OnAddrV2(Peer peer, AddrV2Message message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnAddrV2(peer, message));
        }

        void IBitcoinListener<Peer>.OnBlock(Peer peer, Block message)
        {
            Received(message);
            _peer.ClearStall(StallKind.Data);
            Deliver(message, static (listener, peer, message) => listener.OnBlock(peer, message));
        }

        void IBitcoinListener<Peer>.OnBlockTxn(Peer peer, BlockTxnMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnBlockTxn(peer, message));
        }

        void IBitcoinListener<Peer>.OnCFCheckpt(Peer peer, CFCheckptMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnCFCheckpt(peer, message));
        }

        void IBitcoinListener<Peer>.OnCFHeaders(Peer peer, CFHeadersMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnCFHeaders(peer, message));
        }

        void IBitcoinListener<Peer>.OnCFilter(Peer peer, CFilterMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnCFilter(peer, message));
        }

        void IBitcoinListener<Peer>.OnCmpctBlock(Peer peer, CmpctBlockMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnCmpctBlock(peer, message));
        }

        void IBitcoinListener<Peer>.OnFeeFilter(Peer peer, FeeFilterMessage message)
        {
            Received(message);
            _peer.OnFeatureMessage(message);
            Deliver(message, static (listener, peer, message) => listener.OnFeeFilter(peer, message));
        }

        void IBitcoinListener<Peer>.OnFilterAdd(Peer peer, FilterAddMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnFilterAdd(peer, message));
        }

        void IBitcoinListener<Peer>.OnFilterClear(Peer peer, FilterClearMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnFilterClear(peer, message));
        }

        void IBitcoinListener<Peer>.OnFilterLoad(Peer peer, FilterLoadMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnFilterLoad(peer, message));
        }

        void IBitcoinListener<Peer>.OnGetAddr(Peer peer, GetAddrMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnGetAddr(peer, message));
        }

        void IBitcoinListener<Peer>.OnGetBlocks(Peer peer, GetBlocksMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnGetBlocks(peer, message));
        }

        void IBitcoinListener<Peer>.OnGetBlockTxn(Peer peer, GetBlockTxnMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnGetBlockTxn(peer, message));
        }

        void IBitcoinListener<Peer>.OnGetCFCheckpt(Peer peer, GetCFCheckptMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnGetCFCheckpt(peer, message));
        }

        void IBitcoinListener<Peer>.OnGetCFHeaders(Peer peer, GetCFHeadersMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnGetCFHeaders(peer, message));
        }

        void IBitcoinListener<Peer>.OnGetCFilters(Peer peer, GetCFiltersMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnGetCFilters(peer, message));
        }

        void IBitcoinListener<Peer>.OnGetData(Peer peer, GetDataMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnGetData(peer, message));
        }

        void IBitcoinListener<Peer>.OnGetHeaders(Peer peer, GetHeadersMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnGetHeaders(peer, message));
        }

        void IBitcoinListener<Peer>.OnHeaders(Peer peer, HeadersMessage message)
        {
            Received(message);
            _peer.ClearStall(StallKind.Headers);
            Deliver(message, static (listener, peer, message) => listener.OnHeaders(peer, message));
        }

        void IBitcoinListener<Peer>.OnInv(Peer peer, InvMessage message)
        {
            Received(message);
            _peer.OnInventoryReceived(message);
            Deliver(message, static (listener, peer, message) => listener.OnInv(peer, message));
        }

        void IBitcoinListener<Peer>.OnMemPool(Peer peer, MemPoolMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnMemPool(peer, message));
        }

        void IBitcoinListener<Peer>.OnMerkleBlock(Peer peer, MerkleBlockMessage message)
        {
            Received(message);
            _peer.ClearStall(StallKind.Data);
            Deliver(message, static (listener, peer, message) => listener.OnMerkleBlock(peer, message));
        }

        void IBitcoinListener<Peer>.OnNotFound(Peer peer, NotFoundMessage message)
        {
            Received(message);
            _peer.ClearStall(StallKind.Data);
            Deliver(message, static (listener, peer, message) => listener.OnNotFound(peer, message));
        }

        void IBitcoinListener<Peer>.OnPing(Peer peer, PingMessage message)
        {
            Received(message);
            _peer.OnPingReceived(message);
            Deliver(message, static (listener, peer, message) => listener.OnPing(peer, message));
        }

        void IBitcoinListener<Peer>.OnPong(Peer peer, PongMessage message)
        {
            Received(message);
            _peer.OnPongReceived(message);
            Deliver(message, static (listener, peer, message) => listener.OnPong(peer, message));
        }

        void IBitcoinListener<Peer>.OnReject(Peer peer, RejectMessage message)
        {
            Received(message);
            Deliver(message, static (listener, peer, message) => listener.OnReject(peer, message));
        }

        void IBitcoinListener<Peer>.OnSendAddrV2(Peer peer, SendAddrV2Message message)
        {
            Received(message);
            _peer.OnFeatureMessage(message);
            Deliver(message, static (listener, peer, message) => listener.OnSendAddrV2(peer, message));
        }

        void IBitcoinListener<Peer>.OnSendCmpct(Peer peer, SendCmpctMessage message)
        {
            Received(message);
            _peer.OnFeatureMessage(message);
            Deliver(message, static (listener, peer, message) => listener.OnSendCmpct(peer, message));
        }

        void IBitcoinListener<Peer>.OnSendHeaders(Peer peer, SendHeadersMessage message)
        {
            Received(message);
            _peer.OnFeatureMessage(message);
            Deliver(message, static (listener, peer, message) => listener.OnSendHeaders(peer, message));
        }

        void IBitcoinListener<Peer>.OnSendTxRcncl(Peer peer, SendTxRcnclMessage message)
        {
            Received(message);
            _peer.OnFeatureMessage(message);
            Deliver(message, static (listener, peer, message) => listener.OnSendTxRcncl(peer, message));
        }

        void IBitcoinListener<Peer>.OnTransaction(Peer peer, Transaction message)
        {
            Received(message);
            _peer.ClearStall(StallKind.Data);
            Deliver(message, static (listener, peer, message) => listener.OnTransaction(peer, message));
        }

        void IBitcoinListener<Peer>.OnVerAck(Peer peer, VerAckMessage message)
        {
            Received(message);
            _peer.OnVerAckReceived();
            Deliver(message, static (listener, peer, message) => listener.OnVerAck(peer, message));
        }

        void IBitcoinListener<Peer>.OnVersion(Peer peer, VersionMessage message)
        {
            Received(message);
            _peer.OnVersionReceived(message);
            Deliver(message, static (listener, peer, message) => listener.OnVersion(peer, message));
        }

        void IBitcoinListener<Peer>.OnWtxidRelay(Peer peer, WtxidRelayMessage message)
        {
            Received(message);
            _peer.OnFeatureMessage(message);
            Deliver(message, static (listener, peer, message) => listener.OnWtxidRelay(peer, message));
        }

        private void Received(IMessage message)
        {
            Decoded = message;
            _peer.LogReceived(message);
        }

        private void Deliver<T>(T message, Action<IBitcoinListener<Peer>, Peer, T> call)
            where T : IMessage
        {
            var listener = _peer._config.Listener;
            if (listener is null || !_peer.IsConnected)
            {
                return;
            }

            long started = _peer.BeginListener();
            try
            {
                call(listener, _peer, message);
            }
            catch (Exception e)
            {
                throw new ListenerFailure(e);
            }
            finally
            {
                _peer.EndListener(started);
            }
        }
    }

    /// <summary>Wraps an exception thrown by user code so that it is not mistaken for a decoding error.</summary>
    private sealed class ListenerFailure : Exception
    {
        public ListenerFailure(Exception inner)
            : base(inner.Message, inner)
        {
        }
    }
}
