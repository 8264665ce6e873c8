namespace BlazorCutout.Providers;

/// <summary>What a provider can be asked to do. One task is exactly one operation.</summary>
public enum ProviderOperation
{
    /// <summary>Automatic subject cut-out (PicWish, gpt.ge segmentation, HitPaw, local engine).</summary>
    RemoveBackground,
    /// <summary>Interactive: the user clicks on the subject (positive) and around it (negative).</summary>
    SegmentByPoints,
    /// <summary>Grounded segmentation from a text prompt (Tengr).</summary>
    SegmentByText,
    /// <summary>Generate a new background behind the foreground from a prompt, 1–4 images (gpt.ge background).</summary>
    GenerateBackground,
}

public static class ProviderOperationText
{
    /// <summary>The operation as it reads inside a sentence ("… cannot do background removal").</summary>
    public static string Describe(this ProviderOperation op) => op switch
    {
        ProviderOperation.RemoveBackground => "background removal",
        ProviderOperation.SegmentByPoints => "segmentation by points",
        ProviderOperation.SegmentByText => "segmentation by text",
        ProviderOperation.GenerateBackground => "background generation",
        _ => op.ToString(),
    };
}

/// <summary>How the source image can reach the provider.</summary>
[Flags]
public enum ProviderInputs
{
    None = 0,
    /// <summary>The bytes are uploaded in the request (multipart <c>image_file</c>, or in-process for the local engine).</summary>
    File = 1,
    /// <summary>The provider fetches the source itself from a public URL (<c>image_url</c>, <c>file_url</c>, <c>imageUrl</c>).</summary>
    Url = 2,
}
