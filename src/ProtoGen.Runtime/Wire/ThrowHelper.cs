using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace ProtoGen;

/// <summary>Throw helpers kept out of line so that the hot read and write paths stay small.</summary>
public static class WireThrow
{
    /// <summary>Throws <see cref="ProtocolError.Truncated"/>.</summary>
    /// <param name="needed">Bytes needed.</param>
    /// <param name="remaining">Bytes left.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Truncated(int needed, int remaining) =>
        throw new ProtocolException(ProtocolError.Truncated, string.Create(CultureInfo.InvariantCulture, $"unexpected end of data: needed {needed} byte(s), {remaining} left"));

    /// <summary>Throws <see cref="ProtocolError.CountTooLarge"/>.</summary>
    /// <param name="field">The field.</param>
    /// <param name="count">The count read.</param>
    /// <param name="limit">The limit that applied.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void CountTooLarge(string field, ulong count, long limit) =>
        throw new ProtocolException(ProtocolError.CountTooLarge, string.Create(CultureInfo.InvariantCulture, $"{field}: count {count} exceeds the limit {limit}"));

    /// <summary>Throws <see cref="ProtocolError.LengthTooLarge"/>.</summary>
    /// <param name="field">The field.</param>
    /// <param name="length">The length read.</param>
    /// <param name="limit">The limit that applied.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void LengthTooLarge(string field, ulong length, long limit) =>
        throw new ProtocolException(ProtocolError.LengthTooLarge, string.Create(CultureInfo.InvariantCulture, $"{field}: length {length} exceeds the limit {limit}"));

    /// <summary>Throws <see cref="ProtocolError.ValueOutOfRange"/> for a length below the field's minimum.</summary>
    /// <param name="field">The field.</param>
    /// <param name="length">The length read.</param>
    /// <param name="minimum">The minimum that applied.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void LengthTooSmall(string field, long length, long minimum) =>
        throw new ProtocolException(ProtocolError.ValueOutOfRange, string.Create(CultureInfo.InvariantCulture, $"{field}: length {length} is below the minimum {minimum}"));

    /// <summary>Throws <see cref="ProtocolError.EncodeLimitExceeded"/> for a value shorter than the field's minimum.</summary>
    /// <param name="field">The field.</param>
    /// <param name="length">The length.</param>
    /// <param name="minimum">The minimum.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void EncodeBelowMinimum(string field, long length, long minimum) =>
        throw new ProtocolException(ProtocolError.EncodeLimitExceeded, string.Create(CultureInfo.InvariantCulture, $"{field}: length {length} is below the minimum {minimum} and cannot be encoded"));

    /// <summary>Throws <see cref="ProtocolError.ValueOutOfRange"/>.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The value read.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ValueOutOfRange(string field, ulong value) =>
        throw new ProtocolException(ProtocolError.ValueOutOfRange, string.Create(CultureInfo.InvariantCulture, $"{field}: value {value} is out of range"));

    /// <summary>Throws <see cref="ProtocolError.InvalidValue"/>.</summary>
    /// <param name="message">What was wrong.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Invalid(string message) => throw new ProtocolException(ProtocolError.InvalidValue, message);

    /// <summary>Throws <see cref="ProtocolError.EncodeLimitExceeded"/>.</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The count or length.</param>
    /// <param name="limit">The limit.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void EncodeLimit(string field, long value, long limit) =>
        throw new ProtocolException(ProtocolError.EncodeLimitExceeded, string.Create(CultureInfo.InvariantCulture, $"{field}: {value} exceeds the limit {limit} and cannot be encoded"));
}
