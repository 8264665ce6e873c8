namespace BlazorCutout.Engine.Imaging;

/// <summary>The clicks rasterised on the working grid: hard-constraint discs and the neighbourhoods used around them.</summary>
internal sealed class ClickDiscs
{
    public readonly record struct Click(bool Positive, double X, double Y);

    private readonly int _width, _height;

    /// <summary>Disc radius in working pixels: 1.5 % of the source diagonal.</summary>
    public double Radius { get; }

    public List<Click> All { get; } = [];

    public int Count => All.Count;

    /// <summary>+1 forced foreground, −1 forced background, 0 free. Where discs overlap, the nearest click wins.</summary>
    public sbyte[] Hard { get; }

    public ClickDiscs(int width, int height, int sourceWidth, int sourceHeight, int scale,
        IReadOnlyList<NormalizedPoint> positive, IReadOnlyList<NormalizedPoint> negative)
    {
        _width = width;
        _height = height;
        Radius = Math.Max(1.0, PointRefinement.ClickRadiusFraction * Math.Sqrt((double)sourceWidth * sourceWidth + (double)sourceHeight * sourceHeight) / scale);
        void Add(NormalizedPoint p, bool isPositive)
        {
            if (double.IsNaN(p.X) || double.IsNaN(p.Y)) return;
            double x = Math.Clamp(Math.Clamp(p.X, 0, 1) * sourceWidth / scale - 0.5, 0, width - 1);
            double y = Math.Clamp(Math.Clamp(p.Y, 0, 1) * sourceHeight / scale - 0.5, 0, height - 1);
            All.Add(new Click(isPositive, x, y));
        }
        foreach (var p in positive) Add(p, true);
        foreach (var p in negative) Add(p, false);

        Hard = new sbyte[width * height];
        var nearest = new double[width * height];
        Array.Fill(nearest, double.MaxValue);
        foreach (var click in All)
            foreach (int p in Pixels(click, Radius))
            {
                double d = Dist2(click, p);
                if (d >= nearest[p]) continue;
                nearest[p] = d;
                Hard[p] = (sbyte)(click.Positive ? 1 : -1);
            }
    }

    public IEnumerable<int> DiscPixels(Click click) => Pixels(click, Radius);

    /// <summary>The disc plus a one-pixel ring: what "touches the disc" means.</summary>
    public IEnumerable<int> RimPixels(Click click) => Pixels(click, Radius + 1.5);

    /// <summary>Twice the disc radius: how near a flipped region must come to a click to be credited to it.</summary>
    public IEnumerable<int> ZonePixels(Click click) => Pixels(click, 2 * Radius);

    private IEnumerable<int> Pixels(Click click, double radius)
    {
        int x0 = Math.Max(0, (int)Math.Floor(click.X - radius)), x1 = Math.Min(_width - 1, (int)Math.Ceiling(click.X + radius));
        int y0 = Math.Max(0, (int)Math.Floor(click.Y - radius)), y1 = Math.Min(_height - 1, (int)Math.Ceiling(click.Y + radius));
        double r2 = radius * radius;
        for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++)
        {
            double dx = x - click.X, dy = y - click.Y;
            if (dx * dx + dy * dy <= r2) yield return y * _width + x;
        }
    }

    private double Dist2(Click click, int p)
    {
        double dx = p % _width - click.X, dy = p / _width - click.Y;
        return dx * dx + dy * dy;
    }
}
