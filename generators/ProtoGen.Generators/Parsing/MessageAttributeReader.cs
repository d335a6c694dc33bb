using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ProtoGen.Generators.Constants;
using ProtoGen.Generators.Diagnostics;
using ProtoGen.Generators.Models;

namespace ProtoGen.Generators.Parsing;

/// <summary>Reads and checks a <c>[Message]</c> attribute: command name, listener name, accessibility, limits and v2 short id.</summary>
internal static class MessageAttributeReader
{
    /// <summary>The message facts of <paramref name="type"/>'s <c>[Message]</c> attribute, or null (with a problem added) when they are invalid.</summary>
    public static MessageInfo? Read(INamedTypeSymbol type, AttributeData attribute, List<Problem> problems)
    {
        string command = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string ?? string.Empty : string.Empty;
        var location = GetCommandLocation(attribute) ?? type.Locations.FirstOrDefault();
        if (ValidateCommand(command) is { } error)
        {
            problems.Add(new Problem(DiagnosticDescriptors.InvalidCommand, location, command, type.Name, error));
            return null;
        }

        int minVersion = 0;
        int maxPayload = 0;
        string? listenerName = null;
        int? shortId = null;
        foreach (var named in attribute.NamedArguments)
        {
            switch (named.Key)
            {
                case WellKnownTypeNames.V2ShortIdArgument:
                    shortId = named.Value.Value is int id ? id : 0;
                    break;
                case "MinProtocolVersion":
                    minVersion = named.Value.Value is int v ? v : 0;
                    break;
                case WellKnownTypeNames.MaxPayloadLengthArgument:
                    maxPayload = named.Value.Value is int m ? m : 0;
                    break;
                case "ListenerName":
                    listenerName = named.Value.Value as string;
                    break;
            }
        }

        bool explicitName = !string.IsNullOrEmpty(listenerName);
        if (!explicitName)
        {
            listenerName = type.Name.Length > "Message".Length && type.Name.EndsWith("Message", System.StringComparison.Ordinal)
                ? type.Name.Substring(0, type.Name.Length - "Message".Length)
                : type.Name;
        }

        if (ValidateListenerName(listenerName!) is { } listenerError)
        {
            var listenerLocation = (explicitName ? SymbolLookup.GetNamedArgumentLocation(attribute, "ListenerName") : null) ?? type.Locations.FirstOrDefault();
            problems.Add(new Problem(DiagnosticDescriptors.InvalidListenerName, listenerLocation, listenerName, type.Name, listenerError));
            return null;
        }

        var access = EffectiveAccessibility(type);
        if (access is not (Accessibility.Public or Accessibility.Internal))
        {
            problems.Add(new Problem(DiagnosticDescriptors.MessageNotAccessible, type.Locations.FirstOrDefault(), type.Name));
            return null;
        }

        if (shortId is { } declared && (declared < 1 || declared > byte.MaxValue))
        {
            problems.Add(new Problem(DiagnosticDescriptors.V2ShortIdOutOfRange, SymbolLookup.GetNamedArgumentLocation(attribute, WellKnownTypeNames.V2ShortIdArgument) ?? location, declared, type.Name));
            return null;
        }

        return new MessageInfo(command, minVersion, maxPayload, listenerName!, access == Accessibility.Public, shortId ?? 0);
    }

    /// <summary>Returns why <paramref name="listenerName"/> cannot name the listener method <c>On{name}</c>, or null when it can.</summary>
    public static string? ValidateListenerName(string listenerName)
    {
        if (!SyntaxFacts.IsValidIdentifier("On" + listenerName))
        {
            return "'On" + listenerName + "' is not a C# identifier";
        }

        if (listenerName == "Unknown")
        {
            return "OnUnknown is the listener method for unknown commands; set a different ListenerName";
        }

        return null;
    }

    /// <summary>Public when the type and every containing type are public; internal when reachable from the whole assembly; otherwise private.</summary>
    public static Accessibility EffectiveAccessibility(INamedTypeSymbol type)
    {
        var result = Accessibility.Public;
        for (var t = type; t is not null; t = t.ContainingType)
        {
            switch (t.DeclaredAccessibility)
            {
                case Accessibility.Public:
                    break;
                case Accessibility.Internal:
                case Accessibility.ProtectedOrInternal:
                    result = Accessibility.Internal;
                    break;
                default:
                    return Accessibility.Private;
            }
        }

        return result;
    }

    /// <summary>Returns why <paramref name="command"/> is not a valid command name, or null when it is.</summary>
    public static string? ValidateCommand(string command)
    {
        if (command.Length == 0)
        {
            return "it is empty";
        }

        foreach (char c in command)
        {
            if (c < 0x20 || c > 0x7E)
            {
                return "it must be printable ASCII";
            }
        }

        if (command.Length > 12)
        {
            return string.Format(CultureInfo.InvariantCulture, "it is {0} bytes long; the header holds at most 12", command.Length);
        }

        return null;
    }

    public static Location? GetCommandLocation(AttributeData attribute)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax syntax)
        {
            var argument = syntax.ArgumentList?.Arguments.FirstOrDefault();
            return argument?.GetLocation() ?? syntax.GetLocation();
        }

        return null;
    }
}
