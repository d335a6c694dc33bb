using System;
using System.Buffers;

namespace ProtoGen;

/// <summary>
/// Double SHA-256 of data that arrives in pieces (a frame payload spread over pipe segments), allocating nothing: the
/// state lives in this struct. Append the pieces, then call <see cref="GetHashAndReset()"/>.
/// </summary>
/// <remarks>
/// A mutable struct: keep it in a local (or a field) and call its methods on that variable; a copy continues
/// independently. <c>default</c> is a valid, empty hasher. Not thread-safe.
/// </remarks>
public struct IncrementalDoubleSha256
{
    private Sha256Hasher _hasher;
    private bool _started;
    private Sha256Backend _backend;

    /// <summary>Creates an empty hasher.</summary>
    public IncrementalDoubleSha256()
        : this(Sha256Backends.Single)
    {
    }

    /// <summary>Creates an empty hasher on a given backend (<see cref="Sha256Backend.SystemCrypto"/> runs the portable block function).</summary>
    /// <param name="backend">The backend.</param>
    internal IncrementalDoubleSha256(Sha256Backend backend)
    {
        _backend = backend == Sha256Backend.SystemCrypto ? Sha256Backend.Portable : backend;
        _hasher = new Sha256Hasher(_backend);
        _started = true;
    }

    /// <summary>The number of bytes appended since the hasher was created or last reset.</summary>
    public readonly long Length => _started ? _hasher.Length : 0;

    /// <summary>Appends bytes.</summary>
    /// <param name="data">The bytes.</param>
    public void Append(ReadOnlySpan<byte> data)
    {
        Start();
        _hasher.Append(data);
    }

    /// <summary>Appends every segment of a sequence.</summary>
    /// <param name="data">The bytes.</param>
    public void Append(in ReadOnlySequence<byte> data)
    {
        Start();
        foreach (var segment in data)
        {
            _hasher.Append(segment.Span);
        }
    }

    /// <summary>The double SHA-256 of everything appended; the hasher is then empty again.</summary>
    public Hash256 GetHashAndReset()
    {
        Span<byte> buffer = stackalloc byte[Hash256.Size];
        GetHashAndReset(buffer);
        return new Hash256(buffer);
    }

    /// <summary>Writes the double SHA-256 of everything appended into <paramref name="destination"/>; the hasher is then empty again.</summary>
    /// <param name="destination">At least 32 bytes.</param>
    public void GetHashAndReset(Span<byte> destination)
    {
        if (destination.Length < Hash256.Size)
        {
            throw new ArgumentException("the destination needs 32 bytes", nameof(destination));
        }

        Start();
        _hasher.Finish(destination);
        Sha256Hasher.RehashDigest(_backend, destination);
        _hasher = new Sha256Hasher(_backend);
    }

    /// <summary>Sets up a <c>default</c> instance on first use.</summary>
    private void Start()
    {
        if (!_started)
        {
            _backend = Sha256Backends.Single;
            _hasher = new Sha256Hasher(_backend);
            _started = true;
        }
    }
}
