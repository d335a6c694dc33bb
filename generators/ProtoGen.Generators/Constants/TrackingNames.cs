namespace ProtoGen.Generators.Constants;

/// <summary>Names of the pipeline steps, used with <c>WithTrackingName</c> and by the incrementality tests.</summary>
internal static class TrackingNames
{
    public const string Messages = "ProtoGen.Messages";
    public const string WireTypes = "ProtoGen.WireTypes";
    public const string Summaries = "ProtoGen.Summaries";
    public const string MessageSets = "ProtoGen.MessageSets";
    public const string SelectedSet = "ProtoGen.SelectedSet";
    public const string SetOutputs = "ProtoGen.SetOutputs";
    public const string DefaultPayloadLimit = "ProtoGen.DefaultPayloadLimit";
    public const string PayloadLimit = "ProtoGen.PayloadLimit";
}
