namespace ProtoGen.Generators.Constants;

/// <summary>The runtime types generated code names, written once in <c>global::</c> form for every emitter.</summary>
internal static class RuntimeTypeRefs
{
    public const string WireReader = "global::ProtoGen.WireReader";
    public const string WireWriter = "global::ProtoGen.WireWriter";
    public const string WireContext = "global::ProtoGen.WireContext";
    public const string CompactSize = "global::ProtoGen.CompactSize";
    public const string MessageCommand = "global::ProtoGen.MessageCommand";
    public const string MessageDescriptor = "global::ProtoGen.MessageDescriptor";
    public const string IMessage = "global::ProtoGen.IMessage";
    public const string IMessageHandler = "global::ProtoGen.IMessageHandler";
}
