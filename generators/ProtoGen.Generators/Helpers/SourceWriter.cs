using System;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace ProtoGen.Generators.Helpers;

/// <summary>
/// A small indenting text writer: four spaces per level, '\n' line ends, multi-line input re-indented line by line.
/// Generated files are built with it and raw string fragments, never with SyntaxFactory.
/// </summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public int Indentation
    {
        get => _indent;
        set => _indent = value < 0 ? throw new ArgumentOutOfRangeException(nameof(value)) : value;
    }

    public SourceWriter WriteLine()
    {
        _builder.Append('\n');
        return this;
    }

    public SourceWriter WriteLine(string text)
    {
        if (text.IndexOf('\n') < 0)
        {
            WriteIndentedLine(text);
            return this;
        }

        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
        {
            WriteIndentedLine(line);
        }

        return this;
    }

    private void WriteIndentedLine(string line)
    {
        if (line.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
            _builder.Append(line);
        }

        _builder.Append('\n');
    }

    /// <summary>Writes <paramref name="header"/> (if any), an opening brace, and returns a scope that closes it.</summary>
    public Block Block(string? header = null, string closing = "}")
    {
        if (header is not null)
        {
            WriteLine(header);
        }

        WriteLine("{");
        _indent++;
        return new Block(this, closing);
    }

    internal void Close(string closing)
    {
        _indent--;
        WriteLine(closing);
    }

    public SourceText ToSourceText() => SourceText.From(_builder.ToString(), Encoding.UTF8);

    public override string ToString() => _builder.ToString();
}

internal readonly struct Block : IDisposable
{
    private readonly SourceWriter _writer;
    private readonly string _closing;

    public Block(SourceWriter writer, string closing)
    {
        _writer = writer;
        _closing = closing;
    }

    public void Dispose() => _writer.Close(_closing);
}
