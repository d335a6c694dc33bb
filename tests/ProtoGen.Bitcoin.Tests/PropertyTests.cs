using CsCheck;
using ProtoGen.Bitcoin.Framing;
using static ProtoGen.Bitcoin.Tests.WireAssert;

namespace ProtoGen.Bitcoin.Tests;

/// <summary>
/// Property tests over generated messages of every type: round trips both ways, strict prefixes, random mutations and
/// garbage. Decoding bad bytes may only ever raise <see cref="ProtocolException"/>.
/// </summary>
public class PropertyTests
{
    private const int Iterations = 50;

    [Theory]
    [MemberData(nameof(MessageGenerators.Names), MemberType = typeof(MessageGenerators))]
    public void Decode_of_encode_is_identity_and_encode_of_decode_is_identity(string name)
    {
        var c = MessageGenerators.Get(name);
        c.Generator.Sample(
            message =>
            {
                var bytes = c.Encode(message);
                Assert.Equal(bytes.Length, message.GetEncodedSize(default));

                var fromSpan = c.DecodeSpan(bytes);
                var fromMemory = c.DecodeMemory(bytes);
                var viaDispatcher = DecodeViaDispatcher(c.Command, bytes);
                Assert.Equal(message, fromSpan);
                Assert.Equal(message, fromMemory);
                Assert.Equal(message, viaDispatcher);

                Assert.Equal(bytes, c.Encode(fromSpan));
                Assert.Equal(bytes, c.Encode(fromMemory));
                Assert.Equal(bytes, c.Encode(viaDispatcher));

                // The same bytes inside a mainnet frame.
                var frame = Frame.ToArray(BitcoinNetwork.Mainnet.Magic, message);
                var header = FrameHeader.Parse(frame, BitcoinNetwork.Mainnet.Magic);
                Assert.Equal(c.Command, header.Command);
                Assert.Equal(bytes, frame.AsSpan(FrameHeader.Size).ToArray());
            },
            iter: Iterations);
    }

    [Theory]
    [MemberData(nameof(MessageGenerators.Names), MemberType = typeof(MessageGenerators))]
    public void Every_strict_prefix_is_rejected_or_is_itself_a_valid_encoding(string name)
    {
        var c = MessageGenerators.Get(name);
        c.Generator.Sample(
            message =>
            {
                var bytes = c.Encode(message);
                for (int length = 0; length < bytes.Length; length++)
                {
                    var prefix = bytes.AsSpan(0, length).ToArray();
                    IMessage decoded;
                    try
                    {
                        decoded = c.DecodeSpan(prefix);
                    }
                    catch (ProtocolException)
                    {
                        Assert.Throws<ProtocolException>(() => DecodeViaDispatcher(c.Command, prefix));
                        continue;
                    }

                    // Only trailing optional fields (version, reject) let a prefix stand on its own, and then it re-encodes to itself.
                    Assert.True(c.TrailingOptional, $"{c.Name}: the {length}-byte prefix of a {bytes.Length}-byte encoding decoded");
                    Assert.Equal(prefix, c.Encode(decoded));
                    Assert.Equal(decoded, DecodeViaDispatcher(c.Command, prefix));
                }
            },
            iter: Iterations / 2);
    }

    [Fact]
    public void Version_prefixes_that_decode_end_exactly_where_core_may_stop()
    {
        // 46: after addr_recv; 80: after addr_from + nonce; 97: after the 16-byte user agent; 101: after start height.
        var full = WireSerializer.Encode(new VersionMessage
        {
            Version = 70016,
            ReceiverAddress = NetworkAddress.Unspecified,
            SenderAddress = NetworkAddress.Unspecified,
            Nonce = 1,
            UserAgent = "/Satoshi:27.0.0/",
            StartHeight = 1,
            Relay = true,
        });
        Assert.Equal(102, full.Length);
        var accepted = new List<int>();
        for (int length = 0; length < full.Length; length++)
        {
            try
            {
                WireSerializer.Decode<VersionMessage>(full.AsSpan(0, length));
                accepted.Add(length);
            }
            catch (ProtocolException)
            {
            }
        }

        Assert.Equal([46, 80, 97, 101], accepted);
    }

    [Fact]
    public void Reject_prefixes_decode_only_without_the_hash()
    {
        var full = WireSerializer.Encode(new RejectMessage { RejectedCommand = "block", Code = RejectCode.Invalid, Reason = "bad", Hash = Hash256.Zero });
        int withoutHash = full.Length - 32;
        for (int length = 0; length < full.Length; length++)
        {
            if (length == withoutHash)
            {
                Assert.Null(WireSerializer.Decode<RejectMessage>(full.AsSpan(0, length)).Hash);
            }
            else
            {
                Assert.Throws<ProtocolException>(() => WireSerializer.Decode<RejectMessage>(full.AsSpan(0, length)));
            }
        }
    }

    private static readonly Gen<byte[]> Mutations = Gen.Byte.Array[4, 24];

    /// <summary>Applies a few edits chosen by <paramref name="plan"/>: overwrite, insert, delete, CompactSize markers, truncation.</summary>
    private static byte[] Mutate(byte[] bytes, byte[] plan)
    {
        var list = bytes.ToList();
        for (int i = 0; i + 3 < plan.Length; i += 4)
        {
            int position = list.Count == 0 ? 0 : ((plan[i + 1] << 8) | plan[i + 2]) % list.Count;
            byte value = plan[i + 3];
            switch (plan[i] % 6)
            {
                case 0 when list.Count > 0: list[position] = value; break;
                case 1: list.Insert(position, value); break;
                case 2 when list.Count > 0: list.RemoveAt(position); break;
                case 3 when list.Count > 0: list[position] = (byte)(0xfd + (value % 3)); break; // a CompactSize marker
                case 4 when list.Count > 0: list.RemoveRange(position, list.Count - position); break;
                case 5 when list.Count > 0: list[position] ^= (byte)(1 << (value % 8)); break;
                default: break;
            }
        }

        return [.. list];
    }

    [Fact]
    public void Random_mutations_raise_nothing_but_ProtocolException()
    {
        Gen.Select(MessageGenerators.AnyMessage, Mutations, Gen.Int[0, MessageGenerators.All.Count - 1]).Sample(
            (pair, plan, other) =>
            {
                var (c, message) = pair;
                var mutated = Mutate(c.Encode(message), plan);
                CheckHostile(c, mutated);

                // The same bytes under another command must not escape either.
                CheckHostile(MessageGenerators.All[other], mutated);
            },
            iter: Iterations * 40);
    }

    [Fact]
    public void Random_garbage_raises_nothing_but_ProtocolException()
    {
        var garbage = Gen.Frequency(
            (3, Gen.Byte.Array[0, 120]),
            (1, Gen.Select(Gen.Byte[0xfd, 0xff], Gen.Byte.Array[0, 40], (marker, rest) => (byte[])[marker, .. rest])));
        Gen.Select(garbage, Gen.Int[0, MessageGenerators.All.Count - 1]).Sample(
            (bytes, index) => CheckHostile(MessageGenerators.All[index], bytes),
            iter: Iterations * 40);
    }

    [Fact]
    public void Every_message_type_rejects_every_short_garbage_without_escaping()
    {
        // Exhaustive over 0- and 1-byte payloads and a fixed set of 2-byte ones, for every command.
        var inputs = new List<byte[]> { Array.Empty<byte>() };
        for (int b = 0; b < 256; b++)
        {
            inputs.Add([(byte)b]);
        }

        foreach (byte first in new byte[] { 0x00, 0x01, 0xfc, 0xfd, 0xfe, 0xff })
        {
            for (int b = 0; b < 256; b += 17)
            {
                inputs.Add([first, (byte)b]);
            }
        }

        foreach (var c in MessageGenerators.All)
        {
            foreach (var input in inputs)
            {
                CheckHostile(c, input);
            }
        }
    }

    [Fact]
    public void Unknown_commands_decode_to_null_without_reading()
    {
        var reader = new WireReader(new byte[] { 1, 2, 3 }.AsMemory());
        Assert.Null(BitcoinMessages.Decode(MessageCommand.Parse("alert"), ref reader));
        Assert.Equal(0, reader.Position);
        Assert.Null(BitcoinMessages.FindMessage(MessageCommand.Parse("sendtxrcnl")));
    }

    /// <summary>
    /// Decodes <paramref name="bytes"/> as <paramref name="c"/> every way; anything but <see cref="ProtocolException"/>
    /// fails. A value that does decode must encode again (or refuse with a ProtocolException) and be stable.
    /// </summary>
    private static void CheckHostile(MessageCase c, byte[] bytes)
    {
        IMessage? decoded = Guard(c, "span decode", bytes, () => c.DecodeSpan(bytes));
        IMessage? fromMemory = Guard(c, "memory decode", bytes, () => c.DecodeMemory(bytes));

        // Decoding from memory checks everything at once too (transactions build their inputs and outputs later,
        // from bytes already checked): the same verdict, and the same value, built without escaping.
        Assert.True(decoded is null == fromMemory is null, $"{c.Name}: span and memory decode disagree on {Convert.ToHexStringLower(bytes)}");
        if (decoded is not null)
        {
            Assert.Equal(decoded, fromMemory);
        }

        Guard(c, "dispatcher decode", bytes, () => DecodeViaDispatcher(c.Command, bytes));
        if (decoded is null)
        {
            return;
        }

        var again = Guard(c, "re-encode", bytes, () => c.Encode(decoded));
        if (again is not null)
        {
            Assert.Equal(decoded, c.DecodeSpan(again));
        }
    }

    private static T? Guard<T>(MessageCase c, string step, byte[] bytes, Func<T> action)
        where T : class
    {
        try
        {
            return action();
        }
        catch (ProtocolException)
        {
            return null;
        }
        catch (Exception e)
        {
            Assert.Fail($"{c.Name} {step} of {Convert.ToHexStringLower(bytes)} threw {e.GetType().Name}: {e.Message}");
            return null;
        }
    }
}
