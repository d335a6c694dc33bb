namespace ProtoGen.Bitcoin.Tests;

/// <summary>Hex helpers and the assertions every codec test uses.</summary>
internal static class WireAssert
{
    /// <summary>Joins hex pieces (one per wire field, so each can carry a comment) into bytes.</summary>
    public static byte[] Hex(params string[] pieces) => Convert.FromHexString(string.Concat(pieces));

    /// <summary>A hash from its 32 bytes in wire order, as hex.</summary>
    public static Hash256 WireHash(string hex) => new(Convert.FromHexString(hex));

    /// <summary>
    /// The two directions of a golden vector: encoding <paramref name="value"/> gives exactly <paramref name="bytes"/>,
    /// and decoding <paramref name="bytes"/> (from a span, from memory with slices, and through the generated
    /// dispatcher's <c>Decode</c>) gives <paramref name="value"/> back.
    /// </summary>
    public static void Golden<T>(T value, byte[] bytes, WireContext context = default)
        where T : IMessage<T>
    {
        Assert.Equal(Convert.ToHexStringLower(bytes), Convert.ToHexStringLower(WireSerializer.Encode(value, context)));
        Assert.Equal(bytes.Length, T.GetEncodedSize(value, context));
        Assert.Equal(bytes.Length, ((IMessage)value).GetEncodedSize(context));
        Assert.Equal(value, WireSerializer.Decode<T>(bytes.AsSpan(), context));
        Assert.Equal(value, WireSerializer.Decode<T>(bytes.AsMemory(), context));
        Assert.Equal(value, DecodeViaDispatcher(T.Descriptor.CommandBytes, bytes, context));
    }

    /// <summary>Decodes through <c>BitcoinMessages.Decode</c> and checks that the whole payload was consumed.</summary>
    public static IMessage DecodeViaDispatcher(MessageCommand command, byte[] bytes, WireContext context = default)
    {
        var reader = new WireReader(bytes.AsMemory(), context);
        var message = BitcoinMessages.Decode(command, ref reader);
        Assert.NotNull(message);
        reader.EnsureEnd();
        return message;
    }

    /// <summary>Decoding <paramref name="bytes"/> as <typeparamref name="T"/> raises a <see cref="ProtocolException"/> with <paramref name="error"/>.</summary>
    public static ProtocolException Rejects<T>(byte[] bytes, ProtocolError error, WireContext context = default)
        where T : IMessage<T>
    {
        var fromSpan = Assert.Throws<ProtocolException>(() => WireSerializer.Decode<T>(bytes.AsSpan(), context));
        Assert.Equal(error, fromSpan.Error);
        var fromMemory = Assert.Throws<ProtocolException>(() => WireSerializer.Decode<T>(bytes.AsMemory(), context));
        Assert.Equal(error, fromMemory.Error);
        var viaDispatcher = Assert.Throws<ProtocolException>(() => DecodeViaDispatcher(T.Descriptor.CommandBytes, bytes, context));
        Assert.Equal(error, viaDispatcher.Error);
        return fromSpan;
    }
}
