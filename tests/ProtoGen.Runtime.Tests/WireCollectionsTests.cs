using System.Collections;
using System.Runtime.InteropServices;

namespace ProtoGen.Runtime.Tests;

public class WireBytesTests
{
    [Fact]
    public void EqualityIsByContent()
    {
        WireBytes a = new byte[] { 1, 2, 3 };
        var b = new WireBytes(new byte[] { 1, 2, 3 });
        var c = new WireBytes(new ReadOnlyMemory<byte>(new byte[] { 9, 1, 2, 3, 9 }, 1, 3));
        Assert.Equal(a, b);
        Assert.Equal(a, c);
        Assert.True(a == c);
        Assert.False(a != c);
        Assert.True(a.Equals((object)c));
        Assert.False(a.Equals((object)new byte[] { 1, 2, 3 }));
        Assert.True(a.Equals(new byte[] { 1, 2, 3 })); // the array converts to WireBytes
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a.GetHashCode(), c.GetHashCode());

        Assert.NotEqual(a, WireBytes.FromByteArray([1, 2, 4]));
        Assert.NotEqual(a, WireBytes.FromByteArray([1, 2]));
        Assert.NotEqual(a, WireBytes.FromByteArray([1, 2, 3, 0]));
        Assert.True(a != WireBytes.FromByteArray([1, 2]));
    }

    [Fact]
    public void EmptyAndDefaultAreTheSame()
    {
        var empty = WireBytes.Empty;
        Assert.True(empty.IsEmpty);
        Assert.Equal(0, empty.Length);
        Assert.Equal(default, empty);
        Assert.Equal(new WireBytes(Array.Empty<byte>()), empty);
        Assert.Equal(new WireBytes(new byte[] { 1 }.AsMemory(1)), empty);
        Assert.Equal(empty.GetHashCode(), new WireBytes(Array.Empty<byte>()).GetHashCode());
        Assert.Empty(empty.ToArray());
        Assert.Equal(string.Empty, empty.ToString());
        Assert.True(empty.Span.IsEmpty);
        Assert.False(empty.IsSlice);
    }

    [Fact]
    public void HexFormatting()
    {
        var bytes = WireBytes.FromHex("00ABcdEF");
        Assert.Equal(new byte[] { 0x00, 0xAB, 0xCD, 0xEF }, bytes.ToArray());
        Assert.Equal("00abcdef", bytes.ToString());
        Assert.Equal(bytes, WireBytes.FromHex(bytes.ToString()));
        Assert.Throws<FormatException>(() => WireBytes.FromHex("abc"));
        Assert.Throws<FormatException>(() => WireBytes.FromHex("zz"));
    }

    [Fact]
    public void WrapsWithoutCopyingAndToArrayCopies()
    {
        var array = new byte[] { 1, 2, 3 };
        WireBytes bytes = array;
        Assert.True(MemoryMarshal.TryGetArray(bytes.Memory, out var segment));
        Assert.Same(array, segment.Array);
        Assert.False(bytes.IsSlice);

        var copy = bytes.ToArray();
        copy[0] = 42;
        Assert.Equal(1, bytes.Span[0]);

        WireBytes slice = new ReadOnlyMemory<byte>(array, 1, 2);
        Assert.True(slice.IsSlice);
        Assert.Equal(new byte[] { 2, 3 }, slice.ToArray());
    }

    [Fact]
    public void WorksAsADictionaryKey()
    {
        var set = new HashSet<WireBytes> { WireBytes.FromHex("0102"), WireBytes.FromHex("0102"), WireBytes.FromHex("0103") };
        Assert.Equal(2, set.Count);
        Assert.Contains(new WireBytes(new ReadOnlyMemory<byte>(new byte[] { 0, 1, 2 }, 1, 2)), set);
    }
}

public class WireArrayTests
{
    [Fact]
    public void EqualityIsByContent()
    {
        WireArray<int> a = new[] { 1, 2, 3 };
        var b = new WireArray<int>([1, 2, 3]);
        WireArray<int> c = [1, 2, 3];
        Assert.Equal(a, b);
        Assert.Equal(a, c);
        Assert.True(a == c);
        Assert.False(a != c);
        Assert.True(a.Equals((object)b));
        Assert.False(a.Equals((object)new[] { 1, 2, 3 }));
        Assert.True(a.Equals(new[] { 1, 2, 3 })); // the array converts to WireArray
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a.GetHashCode(), c.GetHashCode());

        Assert.NotEqual(a, WireArray.Create<int>([1, 2]));
        Assert.NotEqual(a, WireArray<int>.FromArray([1, 2, 4]));
        Assert.NotEqual(a, WireArray<int>.FromArray([3, 2, 1]));
        Assert.True(a != WireArray<int>.FromArray([1, 2, 3, 4]));
    }

    [Fact]
    public void ElementsCompareByValue()
    {
        WireArray<WireBytes> a = [WireBytes.FromHex("01"), WireBytes.FromHex("0203")];
        WireArray<WireBytes> b = [new WireBytes(new byte[] { 1 }), new WireBytes(new ReadOnlyMemory<byte>(new byte[] { 9, 2, 3 }, 1, 2))];
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());

        WireArray<string?> withNull = ["x", null];
        Assert.Equal(withNull, WireArray<string?>.FromArray(["x", null]));
        Assert.NotEqual(withNull, WireArray<string?>.FromArray(["x", "y"]));
    }

    [Fact]
    public void EmptyAndDefaultAreTheSame()
    {
        var empty = WireArray<int>.Empty;
        Assert.True(empty.IsEmpty);
        Assert.Empty(empty);
        Assert.Equal(0, empty.Length);
        Assert.Equal(default, empty);
        Assert.Equal(new WireArray<int>([]), empty);
        WireArray<int> expression = [];
        Assert.Equal(expression, empty);
        Assert.Equal(empty.GetHashCode(), new WireArray<int>([]).GetHashCode());
        Assert.True(empty.AsSpan().IsEmpty);
        Assert.Equal("[0 item(s)]", empty.ToString());
        Assert.Throws<IndexOutOfRangeException>(() => empty[0]);

        int visited = 0;
        foreach (int item in empty)
        {
            visited += item + 1;
        }

        Assert.Equal(0, visited);
        Assert.Empty((IEnumerable<int>)empty);
        Assert.False(((IEnumerable)empty).GetEnumerator().MoveNext());
    }

    [Fact]
    public void IsDefaultTellsNotSetFromSetToNothing()
    {
        Assert.True(default(WireArray<int>).IsDefault);
        Assert.True(WireArray<int>.Empty.IsDefault);
        Assert.False(new WireArray<int>([]).IsDefault);
        Assert.False(new WireArray<int>([1]).IsDefault);

        // Still the same value for equality: IsDefault only tells how it was made.
        Assert.Equal(default, new WireArray<int>([]));
    }

    [Fact]
    public void CollectionExpressionCopiesAndWrapperDoesNot()
    {
        var source = new[] { 5, 6, 7 };
        var wrapped = new WireArray<int>(source);
        var created = WireArray.Create<int>(source);
        source[0] = 50;
        Assert.Equal(50, wrapped[0]);
        Assert.Equal(5, created[0]);

        WireArray<int> spread = [.. source, 8];
        Assert.Equal(4, spread.Count);
        Assert.Equal(new[] { 50, 6, 7, 8 }, spread.AsSpan().ToArray());
    }

    [Fact]
    public void EnumerationVisitsElementsInOrder()
    {
        WireArray<int> array = [10, 20, 30];
        var visited = new List<int>();
        foreach (int item in array)
        {
            visited.Add(item);
        }

        Assert.Equal(new[] { 10, 20, 30 }, visited);
        Assert.Equal(new[] { 10, 20, 30 }, ((IEnumerable<int>)array).ToArray());
        Assert.Equal(new object[] { 10, 20, 30 }, ((IEnumerable)array).Cast<object>().ToArray());

        IReadOnlyList<int> list = array;
        Assert.Equal(3, list.Count);
        Assert.Equal(20, list[1]);
        Assert.Equal(30, array[2]);
        Assert.Throws<IndexOutOfRangeException>(() => array[3]);
        Assert.Equal("[3 item(s)]", array.ToString());
    }

    [Fact]
    public void RecordsHoldingArraysCompareByContent()
    {
        var a = new TestNestedMessage { Many = [new TestRecord { Int = 1, Numbers = [1, 2] }] };
        var b = new TestNestedMessage { Many = [new TestRecord { Int = 1, Numbers = [1, 2] }] };
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { Many = [new TestRecord { Int = 1, Numbers = [1, 3] }] });
    }
}
