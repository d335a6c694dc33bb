using ProtoGen.Generators.Helpers;

namespace ProtoGen.Generators.Models;

/// <summary>
/// Where a type is declared: its namespace and the chain of containing types (outermost first), as strings, so a
/// nested partial type can be re-declared without symbols.
/// </summary>
/// <remarks>Cached by Roslyn between runs: must stay immutable with structural equality.</remarks>
internal sealed record HierarchyInfo(string Namespace, EquatableArray<TypeDeclarationInfo> ContainingTypes);

/// <summary>One containing type: its keyword (<c>class</c>, <c>record struct</c>, ...) and name.</summary>
internal sealed record TypeDeclarationInfo(string Keyword, string Name);
