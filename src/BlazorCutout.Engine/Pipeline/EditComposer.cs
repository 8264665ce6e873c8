namespace BlazorCutout.Engine.Pipeline;

/// <summary><see cref="IResultEditor.ApplyEdit"/>: decode the three inputs, check they line up, apply, encode a PNG.</summary>
internal static class EditComposer
{
    public static EditedResult Apply(ReadOnlySpan<byte> source, ReadOnlySpan<byte> result, ReadOnlySpan<byte> edit, EngineOptions cfg)
    {
        var sourceProbe = ImageIO.Probe(source, cfg, "original photo");
        var resultProbe = ImageIO.Probe(result, cfg, "result");
        var editProbe = ImageIO.Probe(edit, cfg, "touch-up edit");
        if (editProbe.Format != "png")
            throw new CutoutException(CutoutErrorCode.NotAnImage, $"The touch-up edit must be a PNG image; this one is {editProbe.Format.ToUpperInvariant()}.");
        if ((editProbe.Width, editProbe.Height) != (resultProbe.Width, resultProbe.Height))
            throw new CutoutException(CutoutErrorCode.InvalidOption,
                $"The touch-up edit is {editProbe.Width}x{editProbe.Height} pixels but the result is {resultProbe.Width}x{resultProbe.Height}; it must be the same size.");
        // Restoring needs the photo pixel under each result pixel: a cropped result (the "crop to subject" option) has
        // no such pixel for every position, so it is refused rather than guessed.
        if (!IResultEditor.SameShape(sourceProbe.Width, sourceProbe.Height, resultProbe.Width, resultProbe.Height))
            throw new CutoutException(CutoutErrorCode.InvalidOption,
                $"This result ({resultProbe.Width}x{resultProbe.Height}) was cropped from its photo ({sourceProbe.Width}x{sourceProbe.Height}), so the photo cannot be laid under it to restore from; touch up an uncropped result.");

        var (rgba, width, height) = ImageIO.DecodeRgba(result, "result");
        var (values, _, _) = ImageIO.DecodePngPlane(edit, "touch-up edit");
        var photo = ImageIO.Decode(source.ToArray(), "original photo");
        var photoRgb = photo.Width == width && photo.Height == height
            ? photo.Pixels
            : ImageIO.Resize(photo.Pixels, photo.Width, photo.Height, 3, width, height);
        ImagingOps.ApplyMaskEdit(rgba, photoRgb, values, width, height);
        var png = ImageIO.EncodePng(width, height, 4, (y, row) => rgba.AsSpan(y * width * 4, width * 4).CopyTo(row), cfg);
        var mask = ImageIO.EncodePng(width, height, 1, (y, row) =>
        {
            var source = rgba.AsSpan(y * width * 4, width * 4);
            for (int x = 0; x < width; x++) row[x] = source[4 * x + 3];
        }, cfg);
        return new EditedResult(png, mask, width, height);
    }
}
