using System.Numerics;

namespace BlazorCutout.Engine.Imaging;

/// <summary>Vectorised arithmetic on rows of a float plane, shared by the blurs.</summary>
internal static class RowMath
{
    /// <summary><paramref name="dst"/> = <paramref name="a"/> · <paramref name="w"/>.</summary>
    public static void Scale(ReadOnlySpan<float> a, float w, Span<float> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= dst.Length - Vector<float>.Count; i += Vector<float>.Count)
                (new Vector<float>(a.Slice(i)) * w).CopyTo(dst.Slice(i));
        for (; i < dst.Length; i++) dst[i] = a[i] * w;
    }
}
