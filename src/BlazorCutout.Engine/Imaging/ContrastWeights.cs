namespace BlazorCutout.Engine.Imaging;

/// <summary>
/// GrabCut's pairwise term on the 8-neighbourhood: γ/dist · exp(−β‖Δc‖²) with β = 1 / (2·mean ‖Δc‖²), so cutting
/// across a strong colour edge is cheap and cutting through a flat region is expensive, whatever the image contrast.
/// </summary>
internal sealed class ContrastWeights
{
    // Right, down, down-right, down-left: each undirected edge once.
    private static readonly (int Dx, int Dy)[] Directions = [(1, 0), (0, 1), (1, 1), (-1, 1)];

    private readonly int _width, _height;
    private readonly float[][] _weights;

    public int EdgeCount { get; }

    private ContrastWeights(int width, int height, float[][] weights, int edges)
    {
        _width = width; _height = height; _weights = weights; EdgeCount = edges;
    }

    public static ContrastWeights Compute(byte[] rgb, int width, int height, float gamma)
    {
        int n = width * height;
        double sum = 0; long count = 0;
        foreach (var (dx, dy) in Directions)
            ForEachEdge(width, height, dx, dy, (p, q) => { sum += Diff2(rgb, p, q); count++; });
        double beta = count == 0 || sum <= 0 ? 0 : 1.0 / (2.0 * sum / count);

        var weights = new float[Directions.Length][];
        int edges = 0;
        for (int d = 0; d < Directions.Length; d++)
        {
            var (dx, dy) = Directions[d];
            var w = weights[d] = new float[n];
            float scale = gamma / MathF.Sqrt(dx * dx + dy * dy);
            ForEachEdge(width, height, dx, dy, (p, q) => { w[p] = scale * (float)Math.Exp(-beta * Diff2(rgb, p, q)); edges++; });
        }
        return new ContrastWeights(width, height, weights, edges);
    }

    public void AddTo(MaxFlowGraph graph)
    {
        for (int d = 0; d < Directions.Length; d++)
        {
            var (dx, dy) = Directions[d];
            var w = _weights[d];
            ForEachEdge(_width, _height, dx, dy, (p, q) => graph.AddEdge(p, q, w[p], w[p]));
        }
    }

    private static void ForEachEdge(int width, int height, int dx, int dy, Action<int, int> visit)
    {
        for (int y = 0; y + dy < height; y++)
        for (int x = Math.Max(0, -dx); x < width && x + dx < width; x++)
        {
            int p = y * width + x;
            visit(p, (y + dy) * width + x + dx);
        }
    }

    private static double Diff2(byte[] rgb, int p, int q)
    {
        int dr = rgb[p * 3] - rgb[q * 3], dg = rgb[p * 3 + 1] - rgb[q * 3 + 1], db = rgb[p * 3 + 2] - rgb[q * 3 + 2];
        return dr * dr + dg * dg + db * db;
    }
}
