using System;
using System.Collections.Generic;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Node;

/// <summary>Passes every message to several listeners in order (for example a chain server, a sync client and the application).</summary>
public sealed class BitcoinListenerGroup : IBitcoinListener<Peer>
{
    private readonly IBitcoinListener<Peer>[] _listeners;

    /// <summary>Creates a group.</summary>
    /// <param name="listeners">The listeners, called in this order.</param>
    public BitcoinListenerGroup(params IBitcoinListener<Peer>[] listeners)
    {
        ArgumentNullException.ThrowIfNull(listeners);
        _listeners = (IBitcoinListener<Peer>[])listeners.Clone();
    }

    /// <summary>The listeners.</summary>
    public IReadOnlyList<IBitcoinListener<Peer>> Listeners => _listeners;

    /// <inheritdoc/>
    public void OnAddr(Peer peer, AddrMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnAddr(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnAddrV2(Peer peer, AddrV2Message message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnAddrV2(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnBlock(Peer peer, Block message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnBlock(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnBlockTxn(Peer peer, BlockTxnMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnBlockTxn(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnCFCheckpt(Peer peer, CFCheckptMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnCFCheckpt(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnCFHeaders(Peer peer, CFHeadersMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnCFHeaders(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnCFilter(Peer peer, CFilterMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnCFilter(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnCmpctBlock(Peer peer, CmpctBlockMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnCmpctBlock(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnFeeFilter(Peer peer, FeeFilterMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnFeeFilter(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnFilterAdd(Peer peer, FilterAddMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnFilterAdd(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnFilterClear(Peer peer, FilterClearMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnFilterClear(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnFilterLoad(Peer peer, FilterLoadMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnFilterLoad(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnGetAddr(Peer peer, GetAddrMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnGetAddr(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnGetBlocks(Peer peer, GetBlocksMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnGetBlocks(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnGetBlockTxn(Peer peer, GetBlockTxnMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnGetBlockTxn(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnGetCFCheckpt(Peer peer, GetCFCheckptMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnGetCFCheckpt(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnGetCFHeaders(Peer peer, GetCFHeadersMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnGetCFHeaders(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnGetCFilters(Peer peer, GetCFiltersMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnGetCFilters(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnGetData(Peer peer, GetDataMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnGetData(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnGetHeaders(Peer peer, GetHeadersMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnGetHeaders(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnHeaders(Peer peer, HeadersMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnHeaders(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnInv(Peer peer, InvMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnInv(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnMemPool(Peer peer, MemPoolMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnMemPool(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnMerkleBlock(Peer peer, MerkleBlockMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnMerkleBlock(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnNotFound(Peer peer, NotFoundMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnNotFound(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnPing(Peer peer, PingMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnPing(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnPong(Peer peer, PongMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnPong(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnReject(Peer peer, RejectMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnReject(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnSendAddrV2(Peer peer, SendAddrV2Message message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnSendAddrV2(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnSendCmpct(Peer peer, SendCmpctMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnSendCmpct(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnSendHeaders(Peer peer, SendHeadersMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnSendHeaders(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnSendTxRcncl(Peer peer, SendTxRcnclMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnSendTxRcncl(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnTransaction(Peer peer, Transaction message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnTransaction(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnVerAck(Peer peer, VerAckMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnVerAck(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnVersion(Peer peer, VersionMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnVersion(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnWtxidRelay(Peer peer, WtxidRelayMessage message)
    {
        foreach (var listener in _listeners)
        {
            listener.OnWtxidRelay(peer, message);
        }
    }

    /// <inheritdoc/>
    public void OnUnknown(Peer peer, RawFrame frame)
    {
        foreach (var listener in _listeners)
        {
            listener.OnUnknown(peer, frame);
        }
    }
}
