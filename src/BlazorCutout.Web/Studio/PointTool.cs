using BlazorCutout.Engine;
using BlazorCutout.Web.Tasks;

namespace BlazorCutout.Web.Studio;

/// <summary>Segmenting by points: the one image the user places points on, and the points placed so far.</summary>
public sealed class PointTool
{
    public UploadItem? Image { get; private set; }
    public IncomingImage? Bytes { get; private set; }
    public IReadOnlyList<NormalizedPoint> Positive { get; private set; } = [];
    public IReadOnlyList<NormalizedPoint> Negative { get; private set; } = [];

    public void Set(UploadItem item, IncomingImage image, string previewUrl)
    {
        item.PreviewUrl = previewUrl;
        Image = item;
        Bytes = image;
        Positive = [];
        Negative = [];
    }

    public void Clear()
    {
        Image = null;
        Bytes = null;
        Positive = [];
        Negative = [];
    }

    public void Place((IReadOnlyList<NormalizedPoint> Positive, IReadOnlyList<NormalizedPoint> Negative) points)
    {
        Positive = points.Positive;
        Negative = points.Negative;
    }

    /// <summary>A card and the bytes to submit with the current points; null until at least one positive point is placed.</summary>
    public (UploadItem Card, IncomingImage Image)? NewCard()
    {
        if (Image is null || Bytes is null || Positive.Count == 0)
            return null;
        // A new card each time: the user can refine the points and compare the attempts.
        var item = new UploadItem
        {
            FileName = Image.FileName,
            Size = Image.Size,
            Width = Image.Width,
            Height = Image.Height,
            PreviewUrl = Image.PreviewUrl is { } u && u.StartsWith("blob:", StringComparison.Ordinal) ? u : null,
        };
        return (item, Bytes);
    }
}
