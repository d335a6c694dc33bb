using System.Collections.Frozen;
using System.Collections.Generic;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>
/// BIP324's one-byte message type ids, read from the schema's generated catalogue: each Bitcoin message declares its
/// id with <c>[Message(..., V2ShortId = n)]</c> (<see cref="MessageDescriptor.V2ShortId"/>). The schema assigns BIP324's
/// 1-28 (including the BIP152 compact-block messages 3, 4, 10, 20 and the BIP157 filter messages 22-27) and BIP434's 37
/// (<c>feature</c>); 29-32, which BIP324 gives to Erlay's undeployed reconciliation messages, are unknown as in Bitcoin
/// Core, as is every id without a message. 0 introduces the 12-byte long form, which every other command (and every
/// command of a user's message set) uses.
/// </summary>
internal static class V2MessageIds
{
    /// <summary>The commands by id; index 0 (the long form) and ids without a message hold no command.</summary>
    private static readonly MessageCommand?[] s_commands = BuildCommands();

    private static readonly FrozenDictionary<MessageCommand, byte> s_ids = BuildIds();

    /// <summary>The highest id with a command.</summary>
    public static int HighestAssigned => s_commands.Length - 1;

    /// <summary>Finds the short id of <paramref name="command"/>.</summary>
    /// <param name="command">The command.</param>
    /// <param name="id">Its id.</param>
    /// <returns>False when the command has no short id and travels in the long form.</returns>
    public static bool TryGetShortId(MessageCommand command, out byte id) => s_ids.TryGetValue(command, out id);

    /// <summary>Finds the command a short id stands for.</summary>
    /// <param name="id">The id (the first contents byte, not 0).</param>
    /// <param name="command">The command.</param>
    /// <returns>False for 0 and for ids no message of the schema declares (29-32 among them).</returns>
    public static bool TryGetCommand(byte id, out MessageCommand command)
    {
        if (id < s_commands.Length && s_commands[id] is { } known)
        {
            command = known;
            return true;
        }

        command = default;
        return false;
    }

    private static MessageCommand?[] BuildCommands()
    {
        int highest = 0;
        foreach (var message in BitcoinMessages.Messages)
        {
            if (message.V2ShortId > highest)
            {
                highest = message.V2ShortId;
            }
        }

        var commands = new MessageCommand?[highest + 1];
        foreach (var message in BitcoinMessages.Messages)
        {
            // The generator's analyzer rejects an id used twice (PGEN0207), so each slot is written once.
            if (message.V2ShortId != 0)
            {
                commands[message.V2ShortId] = message.CommandBytes;
            }
        }

        return commands;
    }

    private static FrozenDictionary<MessageCommand, byte> BuildIds()
    {
        var ids = new Dictionary<MessageCommand, byte>(s_commands.Length);
        for (int id = 1; id < s_commands.Length; id++)
        {
            if (s_commands[id] is { } command)
            {
                ids.Add(command, (byte)id);
            }
        }

        return ids.ToFrozenDictionary();
    }
}
