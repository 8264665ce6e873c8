namespace BlazorCutout.Engine.Imaging;

/// <summary>
/// Guards for buffer/size mismatches. These are programming errors in the pipeline, not user input,
/// so they throw <see cref="ArgumentException"/> rather than <see cref="CutoutException"/>.
/// </summary>
internal static class BufferChecks
{
    public static int PixelCount(int width, int height)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"Image size must be positive, got {width}x{height}.");
        long n = (long)width * height;
        if (n * 3 > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(width), $"Image {width}x{height} is too large for one buffer.");
        return (int)n;
    }

    public static void Rgb(int length, int width, int height, string name)
    {
        int n = PixelCount(width, height);
        if (length != n * 3)
            throw new ArgumentException($"Expected {n * 3} RGB bytes for {width}x{height}, got {length}.", name);
    }

    public static void Alpha(int length, int width, int height, string name)
    {
        int n = PixelCount(width, height);
        if (length != n)
            throw new ArgumentException($"Expected {n} alpha values for {width}x{height}, got {length}.", name);
    }
}
