namespace ProtoGen.Cli.Decoding;

/// <summary>What <c>decode</c> reports about one framed P2P message.</summary>
internal sealed class MessageSummary
{
    /// <summary>The message's offset in the input.</summary>
    public required long Offset { get; init; }

    /// <summary>The command.</summary>
    public required string Command { get; init; }

    /// <summary>The payload size in bytes.</summary>
    public required int PayloadSize { get; init; }

    /// <summary>The header's checksum (verified), as the hex of its four wire bytes.</summary>
    public required string Checksum { get; init; }

    /// <summary>Whether the command is in the Bitcoin message set (an unknown one is reported, not decoded).</summary>
    public required bool Known { get; init; }

    /// <summary>The generated CLR type that decoded the payload, or null when unknown.</summary>
    public string? TypeName { get; init; }

    /// <summary>A one-line description of the payload's content.</summary>
    public required string Description { get; init; }

    /// <summary>The block, for a <c>block</c> message.</summary>
    public BlockSummary? Block { get; init; }

    /// <summary>The transaction, for a <c>tx</c> message.</summary>
    public TransactionSummary? Transaction { get; init; }
}
