using System;
using System.Collections.Generic;
using System.Globalization;
using ProtoGen.Bitcoin;
using ProtoGen.Cli.CommandLine;
using ProtoGen.Cli.Output;

namespace ProtoGen.Cli.Commands;

/// <summary><c>protogen messages [--json]</c>: the generated catalogue <see cref="BitcoinMessages.Messages"/>.</summary>
internal sealed class MessagesCommand : Command
{
    private static readonly OptionSpec[] s_options = [OptionSpec.Flag("json", "print JSON instead of text")];

    /// <inheritdoc/>
    public override string Name => "messages";

    /// <inheritdoc/>
    public override string Summary => "List the generated catalogue of Bitcoin P2P messages";

    /// <inheritdoc/>
    public override string Details =>
        "One row per message of the generated BitcoinMessages set: command, CLR type, the lowest protocol\n" +
        "version at which it may be sent (0: any), the largest payload accepted, and per-field limits.";

    /// <inheritdoc/>
    public override IReadOnlyList<OptionSpec> Options => s_options;

    /// <inheritdoc/>
    public override int Execute(ParsedArguments arguments, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(context);
        var messages = BitcoinMessages.Messages;
        if (arguments.Has("json"))
        {
            using var output = new JsonTextOutput(context.Out);
            var json = output.Writer;
            json.WriteStartObject();
            json.WriteString("set", "Bitcoin");
            json.WriteNumber("count", messages.Count);
            json.WriteStartArray("messages");
            foreach (var message in messages)
            {
                json.WriteStartObject();
                json.WriteString("command", message.Command);
                json.WriteString("type", message.MessageType.Name);
                json.WriteNumber("minProtocolVersion", message.MinProtocolVersion);
                json.WriteNumber("maxPayloadLength", message.MaxPayloadLength);
                json.WriteString("limits", message.Limits);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            output.Complete();
        }
        else
        {
            WriteTable(context, messages);
        }

        context.Out.Flush();
        return ExitCodes.Success;
    }

    private static void WriteTable(CommandContext context, IReadOnlyList<MessageDescriptor> messages)
    {
        var rows = new List<string[]>(messages.Count + 1) { new[] { "command", "type", "min version", "max payload", "limits" } };
        foreach (var message in messages)
        {
            rows.Add(
            [
                message.Command,
                message.MessageType.Name,
                message.MinProtocolVersion.ToString(CultureInfo.InvariantCulture),
                message.MaxPayloadLength.ToString(CultureInfo.InvariantCulture),
                message.Limits.Length > 0 ? message.Limits : "-",
            ]);
        }

        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (int i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        context.Out.WriteLine($"{messages.Count.ToString(CultureInfo.InvariantCulture)} messages in the Bitcoin message set");
        foreach (var row in rows)
        {
            var line = new System.Text.StringBuilder();
            for (int i = 0; i < row.Length; i++)
            {
                bool last = i == row.Length - 1;
                bool numeric = i is 2 or 3;
                line.Append(last ? row[i] : numeric ? row[i].PadLeft(widths[i]) : row[i].PadRight(widths[i]));
                if (!last)
                {
                    line.Append("  ");
                }
            }

            context.Out.WriteLine(line.ToString());
        }
    }
}
