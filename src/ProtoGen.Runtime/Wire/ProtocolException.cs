using System;

namespace ProtoGen;

/// <summary>Why an input was rejected. Stable values: they appear in logs, statistics and disconnect reasons.</summary>
public enum ProtocolError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The input ended before the value was complete.</summary>
    Truncated = 1,

    /// <summary>A CompactSize used more bytes than its value needs (Bitcoin Core: "non-canonical ReadCompactSize()").</summary>
    NonCanonicalCompactSize = 2,

    /// <summary>A CompactSize exceeded the protocol maximum 0x02000000 (Bitcoin Core: "ReadCompactSize(): size too large").</summary>
    CompactSizeTooLarge = 3,

    /// <summary>A collection's element count exceeded the field's limit (a count the bytes left cannot hold is <see cref="Truncated"/>).</summary>
    CountTooLarge = 4,

    /// <summary>A byte string or text exceeded the field's limit (a length the bytes left cannot hold is <see cref="Truncated"/>).</summary>
    LengthTooLarge = 5,

    /// <summary>A value is outside the range the field or the protocol allows.</summary>
    ValueOutOfRange = 6,

    /// <summary>A value violates a protocol rule (for example an address of the wrong length for its network).</summary>
    InvalidValue = 7,

    /// <summary>A frame started with the wrong network magic.</summary>
    BadMagic = 8,

    /// <summary>A frame's checksum does not match its payload.</summary>
    BadChecksum = 9,

    /// <summary>A frame announced a payload larger than the protocol allows.</summary>
    PayloadTooLarge = 10,

    /// <summary>A frame's command is not printable ASCII padded with NUL bytes.</summary>
    InvalidCommand = 11,

    /// <summary>A value cannot be encoded (for example a collection longer than its limit).</summary>
    EncodeLimitExceeded = 12,

    /// <summary>A message is not allowed in the current protocol state.</summary>
    UnexpectedMessage = 13,

    /// <summary>An encrypted packet failed authentication (BIP324: wrong key, tampered bytes or a lost sync).</summary>
    DecryptionFailed = 14,

    /// <summary>An encrypted handshake's garbage terminator did not come within the garbage limit (BIP324: 4095 bytes).</summary>
    MissingGarbageTerminator = 15,

    /// <summary>A peer sent more decoy packets than allowed where a real packet was due.</summary>
    TooManyDecoys = 16,

    /// <summary>The remote speaks a transport this end does not accept (a v1 peer where the encrypted transport is required).</summary>
    TransportNotAccepted = 17,
}

/// <summary>
/// The typed error raised for every malformed input: a stable <see cref="ProtocolError"/> code plus a message naming
/// the field or rule. Decoders throw nothing else for bad bytes.
/// </summary>
public sealed class ProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">The reason code.</param>
    /// <param name="message">What was wrong, naming the field or rule.</param>
    public ProtocolException(ProtocolError error, string message)
        : base(message) => Error = error;

    /// <summary>Creates the exception with a default code.</summary>
    public ProtocolException()
        : this(ProtocolError.InvalidValue, "invalid input")
    {
    }

    /// <summary>Creates the exception with a default code.</summary>
    /// <param name="message">What was wrong.</param>
    public ProtocolException(string message)
        : this(ProtocolError.InvalidValue, message)
    {
    }

    /// <summary>Creates the exception with a default code.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ProtocolException(string message, Exception innerException)
        : base(message, innerException) => Error = ProtocolError.InvalidValue;

    /// <summary>The reason code.</summary>
    public ProtocolError Error { get; }
}
