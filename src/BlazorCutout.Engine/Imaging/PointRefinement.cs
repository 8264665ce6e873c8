using System.Runtime.InteropServices;

namespace BlazorCutout.Engine.Imaging;

/// <summary>
/// Corrects a model matte with the user's clicks, GrabCut-style (Rother et al. 2004) on a ≤512 px working copy:
/// <list type="number">
/// <item>Each click is a hard constraint: a disc of radius 1.5 % of the image diagonal, positive = foreground.</item>
/// <item>A click also claims the region it sits on: pixels connected to its disc, of similar colour, on the side the
/// click disagrees with (a "magic wand" grown from the disc). There the matte prior is made neutral and the pixels
/// are kept out of the opposing colour model, so a wrongly kept/lost region can flip as a whole.</item>
/// <item>Colour models: 5-component GMMs of confident foreground (α &gt; 0.9) and background (α &lt; 0.1).
/// Unary = −log p(colour) − log prior(α); pairwise = contrast-sensitive Potts on the 8-neighbourhood; solved exactly by
/// Boykov–Kolmogorov max-flow; two GrabCut iterations (models re-learnt from the first cut).</item>
/// <item>Changes are confined to the clicks: a flipped region is kept only if it touches a click of its new label,
/// so a colour-model change cannot ripple through unrelated parts of the image.</item>
/// <item>A negative click on a kept region removes the whole connected piece of it that survives around the disc,
/// unless that piece holds a positive click or is all that would remain of the subject.</item>
/// <item>Full resolution: unchanged pixels keep the model's soft alpha; changed ones take the upsampled cut with a
/// feather of about two source pixels.</item>
/// </list>
/// </summary>
public static class PointRefinement
{
    internal const int WorkingSide = 512;
    internal const double ClickRadiusFraction = 0.015;
    private const float Gamma = 50f;        // GrabCut's smoothness weight
    private const float PriorWeight = 1f;   // weight of −log(α) relative to −log p(colour)
    private const float HardCost = 1e9f;
    private const float ConfidentForeground = 0.9f, ConfidentBackground = 0.1f;
    private const float MinPrior = 0.02f;   // even an α of 0 or 1 leaves the colour model a say
    private const int Iterations = 2;

    /// <summary>
    /// Returns the refined matte (a new array), or <paramref name="alpha"/> itself when there are no points.
    /// Points are normalised 0..1 (x right, y down); points outside are clamped to the border, NaN ones ignored.
    /// </summary>
    public static float[] Refine(ReadOnlySpan<byte> rgb, float[] alpha, int width, int height,
        IReadOnlyList<NormalizedPoint> positive, IReadOnlyList<NormalizedPoint> negative)
    {
        ArgumentNullException.ThrowIfNull(alpha);
        BufferChecks.Rgb(rgb.Length, width, height, nameof(rgb));
        BufferChecks.Alpha(alpha.Length, width, height, nameof(alpha));
        positive ??= [];
        negative ??= [];
        if (positive.Count == 0 && negative.Count == 0) return alpha;

        var work = WorkingImage.Create(rgb, alpha, width, height, WorkingSide);
        var clicks = new ClickDiscs(work.Width, work.Height, width, height, work.Scale, positive, negative);
        if (clicks.Count == 0) return alpha;

        int n = work.Width * work.Height;
        var initial = new bool[n];
        for (int i = 0; i < n; i++) initial[i] = work.Alpha[i] >= 0.5f;

        var claimed = ClaimRegions(work, initial, clicks);
        var labels = Segment(work, initial, clicks, claimed);
        RemoveClickedPieces(work, initial, labels, clicks);
        return Upsample(alpha, width, height, work, initial, labels);
    }

    /// <summary>
    /// Per working pixel: +1 / −1 when a positive / negative click's colour region covers it (see class remarks), else 0.
    /// </summary>
    private static sbyte[] ClaimRegions(WorkingImage work, bool[] initial, ClickDiscs clicks)
    {
        int w = work.Width, h = work.Height;
        var claimed = new sbyte[w * h];
        var queue = new int[w * h];
        var rgb = work.Rgb;
        foreach (var click in clicks.All)
        {
            bool wantForeground = click.Positive;
            // Seeds: the disc pixels the matte currently gets wrong from this click's point of view.
            double mr = 0, mg = 0, mb = 0; int seeds = 0;
            foreach (int p in clicks.DiscPixels(click))
                if (initial[p] != wantForeground) { mr += rgb[p * 3]; mg += rgb[p * 3 + 1]; mb += rgb[p * 3 + 2]; seeds++; }
            if (seeds == 0) continue;
            mr /= seeds; mg /= seeds; mb /= seeds;
            double spread = 0;
            foreach (int p in clicks.DiscPixels(click))
                if (initial[p] != wantForeground) spread += Sq(rgb[p * 3] - mr) + Sq(rgb[p * 3 + 1] - mg) + Sq(rgb[p * 3 + 2] - mb);
            spread = Math.Sqrt(spread / seeds);
            // Tolerance follows the seed's own texture, within bounds that stop a click on noise from flooding the frame.
            double tolerance = Math.Clamp(20 + 2 * spread, 20, 60), tol2 = tolerance * tolerance;
            sbyte mark = (sbyte)(wantForeground ? 1 : -1);

            int head = 0, tail = 0;
            foreach (int p in clicks.DiscPixels(click))
                if (initial[p] != wantForeground && claimed[p] != mark) { claimed[p] = mark; queue[tail++] = p; }
            while (head < tail)
            {
                int p = queue[head++], px = p % w, py = p / w;
                for (int k = 0; k < 4; k++)
                {
                    int x = px + (k == 0 ? 1 : k == 1 ? -1 : 0), y = py + (k == 2 ? 1 : k == 3 ? -1 : 0);
                    if ((uint)x >= (uint)w || (uint)y >= (uint)h) continue;
                    int q = y * w + x;
                    if (claimed[q] == mark || initial[q] == wantForeground) continue;
                    double d2 = Sq(rgb[q * 3] - mr) + Sq(rgb[q * 3 + 1] - mg) + Sq(rgb[q * 3 + 2] - mb);
                    if (d2 > tol2) continue;
                    claimed[q] = mark;
                    queue[tail++] = q;
                }
            }
            // One more ring: the region's edge pixels mix its colour with the neighbour's and fail the colour test,
            // yet belong to it; leaving them claimed by the old prior leaves a one-pixel ghost outline.
            for (int t = 0; t < tail; t++)
            {
                int p = queue[t], px = p % w, py = p / w;
                for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                {
                    int x = px + dx, y = py + dy;
                    if ((uint)x >= (uint)w || (uint)y >= (uint)h) continue;
                    int q = y * w + x;
                    if (claimed[q] == 0 && initial[q] != wantForeground) claimed[q] = mark;
                }
            }
        }
        return claimed;
    }

    private static bool[] Segment(WorkingImage work, bool[] initial, ClickDiscs clicks, sbyte[] claimed)
    {
        int n = work.Width * work.Height;
        var alpha = work.Alpha;
        var labels = (bool[])initial.Clone();
        var fgSamples = new List<int>(n);
        var bgSamples = new List<int>(n);
        var pairwise = ContrastWeights.Compute(work.Rgb, work.Width, work.Height, Gamma);
        var graph = new MaxFlowGraph(n, pairwise.EdgeCount);
        pairwise.AddTo(graph);

        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            fgSamples.Clear();
            bgSamples.Clear();
            for (int i = 0; i < n; i++)
            {
                sbyte hard = clicks.Hard[i];
                if (hard > 0) { fgSamples.Add(i); continue; }
                if (hard < 0) { bgSamples.Add(i); continue; }
                if (iteration == 0)
                {
                    if (alpha[i] > ConfidentForeground && claimed[i] >= 0) fgSamples.Add(i);
                    else if (alpha[i] < ConfidentBackground && claimed[i] <= 0) bgSamples.Add(i);
                }
                else
                {
                    // Re-learn from the first cut, skipping the matte's soft band where it was left unchanged:
                    // mixed edge colours would blur both models.
                    bool unchanged = labels[i] == initial[i];
                    bool soft = alpha[i] >= ConfidentBackground && alpha[i] <= ConfidentForeground;
                    if (unchanged && soft) continue;
                    if (labels[i] && claimed[i] >= 0) fgSamples.Add(i);
                    else if (!labels[i] && claimed[i] <= 0) bgSamples.Add(i);
                }
            }
            var fgModel = ColorGmm.Fit(work.Rgb, CollectionsMarshal.AsSpan(fgSamples));
            var bgModel = ColorGmm.Fit(work.Rgb, CollectionsMarshal.AsSpan(bgSamples));

            graph.Reset();
            var rgb = work.Rgb;
            for (int i = 0; i < n; i++)
            {
                sbyte hard = clicks.Hard[i];
                if (hard > 0) { graph.AddTerminal(i, HardCost, 0); continue; }
                if (hard < 0) { graph.AddTerminal(i, 0, HardCost); continue; }
                float prior = claimed[i] != 0 ? 0.5f : Math.Clamp(alpha[i], MinPrior, 1 - MinPrior);
                float costFg = fgModel.Cost(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]) - PriorWeight * MathF.Log(prior);
                float costBg = bgModel.Cost(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]) - PriorWeight * MathF.Log(1 - prior);
                graph.AddTerminal(i, costBg, costFg);
            }
            graph.Solve();
            for (int i = 0; i < n; i++) labels[i] = graph.IsSource(i);
            ConfineToClicks(labels, initial, clicks, work.Width, work.Height);
        }
        return labels;
    }

    /// <summary>Reverts every flipped region that does not touch a click (zone: twice the disc radius) of its new label.</summary>
    private static void ConfineToClicks(bool[] labels, bool[] initial, ClickDiscs clicks, int width, int height)
    {
        foreach (bool toForeground in (ReadOnlySpan<bool>)[true, false])
        {
            var flipped = new bool[labels.Length];
            bool any = false;
            for (int i = 0; i < labels.Length; i++)
                if (labels[i] == toForeground && initial[i] != toForeground) { flipped[i] = true; any = true; }
            if (!any) continue;
            var components = new Components(flipped, width, height);
            var keep = new bool[components.Count + 1];
            foreach (var click in clicks.All)
            {
                if (click.Positive != toForeground) continue;
                foreach (int p in clicks.ZonePixels(click))
                    keep[components.Labels[p]] = true;
            }
            for (int i = 0; i < labels.Length; i++)
            {
                int id = components.Labels[i];
                if (id != 0 && !keep[id]) labels[i] = initial[i];
            }
        }
    }

    /// <summary>
    /// A negative click on a kept object means the object, not just the disc: remove the foreground pieces that the
    /// matte's object under the click still has around the disc. Smallest first, and never the piece holding a
    /// positive click or the last substantial foreground (then the user meant part of the subject, which the cut did).
    /// </summary>
    private static void RemoveClickedPieces(WorkingImage work, bool[] initial, bool[] labels, ClickDiscs clicks)
    {
        int w = work.Width, h = work.Height;
        if (!clicks.All.Any(c => !c.Positive)) return;
        var objects = new Components(initial, w, h);
        var pieces = new Components(labels, w, h);
        int total = 0;
        for (int id = 1; id <= pieces.Count; id++) total += pieces.Sizes[id];

        var holdsPositive = new bool[pieces.Count + 1];
        for (int i = 0; i < labels.Length; i++)
            if (clicks.Hard[i] > 0) holdsPositive[pieces.Labels[i]] = true;

        var candidates = new HashSet<int>();
        var clickedObjectIds = new HashSet<int>();
        foreach (var click in clicks.All)
        {
            if (click.Positive) continue;
            var clickedObjects = new HashSet<int>();
            foreach (int p in clicks.DiscPixels(click))
                if (objects.Labels[p] != 0) clickedObjects.Add(objects.Labels[p]);
            if (clickedObjects.Count == 0) continue;
            clickedObjectIds.UnionWith(clickedObjects);
            foreach (int p in clicks.RimPixels(click))
            {
                int piece = pieces.Labels[p];
                if (piece != 0 && clickedObjects.Contains(objects.Labels[p])) candidates.Add(piece);
            }
        }

        int removed = 0;
        var remove = new bool[pieces.Count + 1];
        foreach (int piece in candidates.OrderBy(id => pieces.Sizes[id]))
        {
            if (holdsPositive[piece]) continue;
            int size = pieces.Sizes[piece];
            int remaining = total - removed - size;
            if (remaining <= 0 || remaining < 0.1 * size) continue;
            remove[piece] = true;
            removed += size;
        }

        // Fragments: pieces of a clicked object that no longer touch the disc but are small next to what the click
        // took from that object (typically the object's mixed-colour rim) go with it.
        var takenFromObject = new int[objects.Count + 1];
        for (int i = 0; i < labels.Length; i++)
            if (initial[i] && (!labels[i] || remove[pieces.Labels[i]])) takenFromObject[objects.Labels[i]]++;
        var pieceObject = new int[pieces.Count + 1];
        for (int i = 0; i < labels.Length; i++)
            if (pieces.Labels[i] != 0 && objects.Labels[i] != 0) pieceObject[pieces.Labels[i]] = objects.Labels[i];
        for (int piece = 1; piece <= pieces.Count; piece++)
        {
            int obj = pieceObject[piece];
            if (remove[piece] || holdsPositive[piece] || obj == 0 || !clickedObjectIds.Contains(obj)) continue;
            int size = pieces.Sizes[piece];
            if (size >= 0.25 * takenFromObject[obj] || total - removed - size <= 0) continue;
            remove[piece] = true;
            removed += size;
        }
        if (removed == 0) return;
        for (int i = 0; i < labels.Length; i++)
            if (remove[pieces.Labels[i]]) labels[i] = false;
    }

    /// <summary>
    /// Back to full resolution. Working cells whose label changed (grown by one cell into the new background, so slivers
    /// of a removed object's soft edge go too) take the bilinearly upsampled cut, sharpened to a ~2 px ramp;
    /// everything else keeps the model's soft alpha, blended across one cell at the border of a change.
    /// </summary>
    private static float[] Upsample(float[] alpha, int width, int height, WorkingImage work, bool[] initial, bool[] labels)
    {
        int w = work.Width, h = work.Height, s = work.Scale;
        var result = (float[])alpha.Clone();
        var changed = new float[w * h];
        bool anyChange = false;
        for (int i = 0; i < changed.Length; i++)
            if (labels[i] != initial[i]) { changed[i] = 1f; anyChange = true; }
        if (!anyChange) return result;
        var core = (float[])changed.Clone();
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int i = y * w + x;
            if (labels[i] || core[i] != 0) continue;
            if (HasNeighbour(core, w, h, x, y)) changed[i] = 1f;
        }

        var target = new float[w * h];
        for (int i = 0; i < target.Length; i++) target[i] = labels[i] ? 1f : 0f;
        float sharpen = Math.Max(1f, s / 2f);

        for (int cy = 0; cy < h; cy++)
        for (int cx = 0; cx < w; cx++)
        {
            // Bilinear weights reach one cell in each direction, so only cells near a change need visiting.
            if (!HasNeighbourOrSelf(changed, w, h, cx, cy)) continue;
            int y1 = Math.Min(height, (cy + 1) * s), x1 = Math.Min(width, (cx + 1) * s);
            for (int y = cy * s; y < y1; y++)
            {
                float gy = Math.Clamp((y + 0.5f) / s - 0.5f, 0, h - 1);
                for (int x = cx * s; x < x1; x++)
                {
                    float gx = Math.Clamp((x + 0.5f) / s - 0.5f, 0, w - 1);
                    float weight = Sample(changed, w, h, gx, gy);
                    if (weight <= 0) continue;
                    float t = Math.Clamp((Sample(target, w, h, gx, gy) - 0.5f) * sharpen + 0.5f, 0f, 1f);
                    int i = y * width + x;
                    result[i] += weight * (t - result[i]);
                }
            }
        }
        return result;
    }

    private static bool HasNeighbour(float[] plane, int w, int h, int x, int y)
    {
        for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
        {
            int xx = x + dx, yy = y + dy;
            if ((dx != 0 || dy != 0) && (uint)xx < (uint)w && (uint)yy < (uint)h && plane[yy * w + xx] != 0) return true;
        }
        return false;
    }

    private static bool HasNeighbourOrSelf(float[] plane, int w, int h, int x, int y) =>
        plane[y * w + x] != 0 || HasNeighbour(plane, w, h, x, y);

    private static float Sample(float[] plane, int w, int h, float gx, float gy)
    {
        int x0 = (int)gx, y0 = (int)gy;
        int x1 = Math.Min(x0 + 1, w - 1), y1 = Math.Min(y0 + 1, h - 1);
        float ax = gx - x0, ay = gy - y0;
        float top = plane[y0 * w + x0] + (plane[y0 * w + x1] - plane[y0 * w + x0]) * ax;
        float bottom = plane[y1 * w + x0] + (plane[y1 * w + x1] - plane[y1 * w + x0]) * ax;
        return top + (bottom - top) * ay;
    }

    private static double Sq(double v) => v * v;
}
