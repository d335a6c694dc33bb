using System;
using System.Buffers;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ProtoGen.Cli.Output;

/// <summary>
/// A <see cref="Utf8JsonWriter"/> (reflection-free, unlike JsonSerializer) whose output goes to a
/// <see cref="TextWriter"/> in chunks, so that a large report is never held whole in memory.
/// </summary>
internal sealed class JsonTextOutput : IDisposable
{
    private const int FlushThreshold = 64 * 1024;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushThreshold);
    private readonly TextWriter _target;

    /// <summary>Creates the output.</summary>
    /// <param name="target">Where the JSON text goes.</param>
    public JsonTextOutput(TextWriter target)
    {
        _target = target;
        Writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions
        {
            Indented = true,

            // Output for terminals and tools, never embedded in HTML: keep quotes and non-ASCII text readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
    }

    /// <summary>The writer.</summary>
    public Utf8JsonWriter Writer { get; }

    /// <summary>Moves the buffered text to the target once enough has accumulated (call between values).</summary>
    public void FlushIfLarge()
    {
        if (Writer.BytesPending + _buffer.WrittenCount >= FlushThreshold)
        {
            Flush();
        }
    }

    /// <summary>Moves all buffered text to the target.</summary>
    public void Flush()
    {
        // After Utf8JsonWriter.Flush the buffer ends on a token boundary, so no UTF-8 sequence is split.
        Writer.Flush();
        if (_buffer.WrittenCount > 0)
        {
            _target.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
            _buffer.ResetWrittenCount();
        }
    }

    /// <summary>Flushes, ends the document with a newline and releases the writer.</summary>
    public void Complete()
    {
        Flush();
        _target.WriteLine();
    }

    /// <inheritdoc/>
    public void Dispose() => Writer.Dispose();
}
