namespace BlazorCutout.Providers;

/// <summary>What a result file is, so the pipeline can store and label it.</summary>
public enum ResultRole { Image, Mask }

/// <summary>
/// Where one result file is. Inline for in-process providers and APIs that return base64/binary;
/// Remote for URLs that must be downloaded at once (PicWish/gpt.ge results expire after 1 hour) through the URL guard.
/// </summary>
public abstract record ResultReference(ResultRole Role, int Index)
{
    public sealed record Inline(ResultRole Role, int Index, ReadOnlyMemory<byte> Bytes, string ContentType) : ResultReference(Role, Index)
    {
        public override string ToString() => $"Inline({Role}#{Index}, {Bytes.Length} bytes {ContentType})";
    }

    public sealed record Remote(ResultRole Role, int Index, Uri Url, DateTimeOffset? ExpiresAt = null) : ResultReference(Role, Index)
    {
        // Result URLs are often signed: keep the query out of logs.
        public override string ToString() => $"Remote({Role}#{Index}, {Url.GetLeftPart(UriPartial.Path)})";
    }
}

/// <summary>Bytes we hold in memory, with the content type the server declared (or sniffed from the bytes).</summary>
public sealed record DownloadedContent(byte[] Bytes, string ContentType)
{
    public override string ToString() => $"DownloadedContent({Bytes.Length} bytes {ContentType})";
}

/// <summary>An amount in a provider's unit ("coins", "credits", "USD").</summary>
public readonly record struct ProviderCost(decimal Amount, string Unit)
{
    public static ProviderCost Zero(string unit) => new(0m, unit);
    public override string ToString() => $"{Amount} {Unit}";
}

/// <summary>The answer to <see cref="ICutoutProvider.SubmitAsync"/>.</summary>
public abstract record ProviderSubmission
{
    private ProviderSubmission() { }

    /// <summary>The provider accepted the job; the pipeline must persist <paramref name="ProviderTaskId"/> before anything else, then poll.</summary>
    /// <param name="ReportedCost">What the provider says it charged at submission (HitPaw <c>consume_coins</c>), else null.</param>
    public sealed record Accepted(string ProviderTaskId, ProviderCost? ReportedCost = null) : ProviderSubmission;

    /// <summary>A synchronous provider (the local engine, or a remote one called with <c>sync=1</c>) finished already.</summary>
    public sealed record Completed(ProviderPoll.Done Result) : ProviderSubmission;
}

/// <summary>The answer to <see cref="ICutoutProvider.PollAsync"/>: one of three states.</summary>
public abstract record ProviderPoll
{
    private ProviderPoll() { }

    /// <param name="Percent">0..100 when the provider reports it, else null (show an indeterminate bar).</param>
    public sealed record Progress(int? Percent) : ProviderPoll
    {
        /// <summary>The provider's phase in words for the UI ("Queued", "Preparing"), or null when it says nothing more than a percentage.</summary>
        public string? Status { get; init; }
    }

    /// <param name="Results">At least one reference; a batch of N yields N images, or fewer with a <see cref="Note"/> saying so.</param>
    /// <param name="ReportedCost">The cost the provider reported, or null to use the configured <see cref="PriceTable"/>.</param>
    public sealed record Done(IReadOnlyList<ResultReference> Results, ProviderCost? ReportedCost = null) : ProviderPoll
    {
        /// <summary>What the user should know about a result that is less than asked for ("2 of the 3 backgrounds arrived"); shown as is.</summary>
        public string? Note { get; init; }
    }

    /// <param name="UserMessage">Shown as is.</param>
    /// <param name="Retryable">True when submitting the same job again may succeed (e.g. PicWish -15 insufficient resources).</param>
    /// <param name="ProviderDetail">The provider's own code/state for logs, e.g. "state=-7".</param>
    public sealed record Failed(ProviderErrorCode Code, string UserMessage, bool Retryable, string? ProviderDetail = null) : ProviderPoll;
}
