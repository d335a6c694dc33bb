using System.Threading;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers.Protocol;

/// <summary>
/// Remembers the last getblocks or getheaders request (first locator hash and stop hash) so that a request identical
/// to the one just made is skipped, as btcd's <c>PushGetBlocksMsg</c>/<c>PushGetHeadersMsg</c> do. Thread-safe.
/// </summary>
internal sealed class RequestDeduplicator
{
    private readonly Lock _lock = new();
    private Hash256 _begin;
    private Hash256 _stop;

    /// <summary>Records the request and returns true, or returns false when it repeats the last one.</summary>
    /// <param name="begin">The first locator hash (zero for an empty locator).</param>
    /// <param name="stop">The stop hash.</param>
    /// <param name="previous">The request it replaces, for <see cref="Undo"/>.</param>
    public bool TryBegin(Hash256 begin, Hash256 stop, out (Hash256 Begin, Hash256 Stop) previous)
    {
        lock (_lock)
        {
            previous = (_begin, _stop);
            if (begin == _begin && stop == _stop && !(begin.IsZero && stop.IsZero))
            {
                return false;
            }

            _begin = begin;
            _stop = stop;
            return true;
        }
    }

    /// <summary>The request was not sent after all: the last request sent is the previous one again, so a retry goes out.</summary>
    /// <param name="begin">The request's first locator hash.</param>
    /// <param name="stop">The request's stop hash.</param>
    /// <param name="previous">What <see cref="TryBegin"/> gave.</param>
    public void Undo(Hash256 begin, Hash256 stop, (Hash256 Begin, Hash256 Stop) previous)
    {
        lock (_lock)
        {
            if (_begin == begin && _stop == stop)
            {
                (_begin, _stop) = previous;
            }
        }
    }
}
