namespace BlazorCutout.Cli.Bench.Peer;

/// <summary>How closely two 8-bit masks of the same image agree.</summary>
/// <param name="MeanAbsDiff">Mean absolute difference in 1/255 units (0 = identical, 255 = inverted). Target ≤ 2.</param>
/// <param name="IoU">Intersection over union of the two foregrounds thresholded at 0.5 (value ≥ 128); 1 when both are empty.</param>
/// <param name="MaxAbsDiff">Largest absolute difference of a pixel, in 1/255 units.</param>
/// <param name="FractionOver16">Fraction of pixels that differ by more than 16/255 (where the masks visibly disagree).</param>
/// <param name="Pixels">Number of pixels compared.</param>
internal readonly record struct MaskAgreementResult(double MeanAbsDiff, double IoU, int MaxAbsDiff, double FractionOver16, long Pixels)
{
    public override string ToString() => $"MAD {MeanAbsDiff:0.00}/255, IoU@0.5 {IoU:0.0000}, max {MaxAbsDiff}, >16/255 on {100 * FractionOver16:0.00}%";
}

internal static class MaskAgreement
{
    /// <summary>Threshold for "foreground" in the IoU: alpha ≥ 128 (0.5 of 255, rounded up).</summary>
    public const byte IouThreshold = 128;

    /// <summary>Compares two raw 8-bit greyscale masks of the same size (width×height bytes, row-major).</summary>
    public static MaskAgreementResult Compare(byte[] ourMask8bit, byte[] peerMask8bit) =>
        Compare(ourMask8bit.AsSpan(), peerMask8bit.AsSpan());

    public static MaskAgreementResult Compare(ReadOnlySpan<byte> ours, ReadOnlySpan<byte> peer)
    {
        if (ours.Length != peer.Length)
            throw new ArgumentException($"masks differ in size: ours {ours.Length} bytes, peer {peer.Length} bytes (both must be width×height 8-bit)");
        if (ours.Length == 0) throw new ArgumentException("empty masks");

        long sumAbs = 0, inter = 0, union = 0, over16 = 0;
        int max = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            int a = ours[i], b = peer[i];
            int d = a > b ? a - b : b - a;
            sumAbs += d;
            if (d > max) max = d;
            if (d > 16) over16++;
            bool fa = a >= IouThreshold, fb = b >= IouThreshold;
            if (fa && fb) inter++;
            if (fa || fb) union++;
        }
        return new MaskAgreementResult(
            MeanAbsDiff: (double)sumAbs / ours.Length,
            IoU: union == 0 ? 1.0 : (double)inter / union,
            MaxAbsDiff: max,
            FractionOver16: (double)over16 / ours.Length,
            Pixels: ours.Length);
    }

    /// <summary>Reads a raw 8-bit mask (a <c>.gray</c> file: width×height bytes), checking its size.</summary>
    public static byte[] ReadGray(string path, int width, int height)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != (long)width * height)
            throw new InvalidDataException($"{path}: {bytes.Length} bytes, expected {width}x{height} = {(long)width * height}");
        return bytes;
    }
}
