using System.Collections.Frozen;
using System.Collections.Generic;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>
/// BIP324's one-byte message type ids: 1-28 name the commands below (including the BIP152 compact-block messages 3,
/// 4, 10, 20 and the BIP157 filter messages 22-27); 29-32 are assigned by the BIP to messages not deployed anywhere
/// (Erlay's reconciliation) and, as in Bitcoin Core, are treated as unknown; 0 introduces the 12-byte long form.
/// </summary>
/// <remarks>
/// The single table of this mapping, kept as data so that it can be replaced by one the generator emits from the
/// schema's message catalogue.
/// </remarks>
internal static class V2MessageIds
{
    /// <summary>The commands by id; index 0 (the long form) and the reserved ids hold no command.</summary>
    private static readonly MessageCommand[] s_commands =
    [
        default,
        MessageCommand.Parse("addr"),
        MessageCommand.Parse("block"),
        MessageCommand.Parse("blocktxn"),
        MessageCommand.Parse("cmpctblock"),
        MessageCommand.Parse("feefilter"),
        MessageCommand.Parse("filteradd"),
        MessageCommand.Parse("filterclear"),
        MessageCommand.Parse("filterload"),
        MessageCommand.Parse("getblocks"),
        MessageCommand.Parse("getblocktxn"),
        MessageCommand.Parse("getdata"),
        MessageCommand.Parse("getheaders"),
        MessageCommand.Parse("headers"),
        MessageCommand.Parse("inv"),
        MessageCommand.Parse("mempool"),
        MessageCommand.Parse("merkleblock"),
        MessageCommand.Parse("notfound"),
        MessageCommand.Parse("ping"),
        MessageCommand.Parse("pong"),
        MessageCommand.Parse("sendcmpct"),
        MessageCommand.Parse("tx"),
        MessageCommand.Parse("getcfilters"),
        MessageCommand.Parse("cfilter"),
        MessageCommand.Parse("getcfheaders"),
        MessageCommand.Parse("cfheaders"),
        MessageCommand.Parse("getcfcheckpt"),
        MessageCommand.Parse("cfcheckpt"),
        MessageCommand.Parse("addrv2"),
    ];

    private static readonly FrozenDictionary<MessageCommand, byte> s_ids = BuildIds();

    /// <summary>The highest id with a command.</summary>
    public static int HighestAssigned => s_commands.Length - 1;

    /// <summary>Finds the short id of <paramref name="command"/>.</summary>
    /// <param name="command">The command.</param>
    /// <param name="id">Its id (1 to 28).</param>
    /// <returns>False when the command has no short id and travels in the long form.</returns>
    public static bool TryGetShortId(MessageCommand command, out byte id) => s_ids.TryGetValue(command, out id);

    /// <summary>Finds the command a short id stands for.</summary>
    /// <param name="id">The id (the first contents byte, not 0).</param>
    /// <param name="command">The command.</param>
    /// <returns>False for 0, the reserved ids 29-32 and the undefined ids above them.</returns>
    public static bool TryGetCommand(byte id, out MessageCommand command)
    {
        if (id != 0 && id < s_commands.Length)
        {
            command = s_commands[id];
            return true;
        }

        command = default;
        return false;
    }

    private static FrozenDictionary<MessageCommand, byte> BuildIds()
    {
        var ids = new Dictionary<MessageCommand, byte>(s_commands.Length);
        for (int id = 1; id < s_commands.Length; id++)
        {
            ids.Add(s_commands[id], (byte)id);
        }

        return ids.ToFrozenDictionary();
    }
}
