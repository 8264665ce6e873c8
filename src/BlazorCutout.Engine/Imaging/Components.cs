namespace BlazorCutout.Engine.Imaging;

/// <summary>8-connected component labelling of a binary mask (breadth-first, no recursion, so huge regions are safe).</summary>
internal sealed class Components
{
    /// <summary>Per pixel: 0 outside the mask, else the component id (1-based).</summary>
    public int[] Labels { get; }

    /// <summary>Pixel count per id; index 0 is unused.</summary>
    public List<int> Sizes { get; } = [0];

    public int Count => Sizes.Count - 1;

    public Components(ReadOnlySpan<bool> mask, int width, int height)
    {
        Labels = new int[mask.Length];
        var queue = new int[mask.Length];
        for (int start = 0; start < mask.Length; start++)
        {
            if (!mask[start] || Labels[start] != 0) continue;
            int id = Sizes.Count, head = 0, tail = 0;
            Labels[start] = id;
            queue[tail++] = start;
            while (head < tail)
            {
                int p = queue[head++], px = p % width, py = p / width;
                for (int dy = -1; dy <= 1; dy++)
                {
                    int y = py + dy;
                    if ((uint)y >= (uint)height) continue;
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int x = px + dx;
                        if ((uint)x >= (uint)width) continue;
                        int q = y * width + x;
                        if (mask[q] && Labels[q] == 0)
                        {
                            Labels[q] = id;
                            queue[tail++] = q;
                        }
                    }
                }
            }
            Sizes.Add(tail);
        }
    }
}
