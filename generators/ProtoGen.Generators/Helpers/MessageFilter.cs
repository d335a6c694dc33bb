using System;
using System.Collections.Generic;
using System.Linq;
using ProtoGen.Generators.Models;

namespace ProtoGen.Generators.Helpers;

/// <summary>
/// Chooses which messages a set dispatches, shared by the generator (which drops the rest so that its output still
/// compiles) and the analyzer (which reports them): sorted by command, then type name; a message whose command an
/// earlier one already uses is dropped (PGEN0201), then one whose listener name a kept one already uses (PGEN0204).
/// </summary>
internal static class MessageFilter
{
    public static List<T> Select<T>(
        IEnumerable<T> items,
        Func<T, MessageSummary> summary,
        Action<T, T>? duplicateCommand = null,
        Action<T, T>? duplicateListener = null)
    {
        var commands = new Dictionary<string, T>(StringComparer.Ordinal);
        var listeners = new Dictionary<string, T>(StringComparer.Ordinal);
        var kept = new List<T>();
        foreach (var item in items.OrderBy(i => summary(i).Command, StringComparer.Ordinal).ThenBy(i => summary(i).FullyQualifiedName, StringComparer.Ordinal))
        {
            var s = summary(item);
            if (commands.TryGetValue(s.Command, out var first))
            {
                duplicateCommand?.Invoke(item, first);
                continue;
            }

            commands.Add(s.Command, item);
            if (listeners.TryGetValue(s.ListenerName, out var owner))
            {
                duplicateListener?.Invoke(item, owner);
                continue;
            }

            listeners.Add(s.ListenerName, item);
            kept.Add(item);
        }

        return kept;
    }
}
