using BlazorCutout.Providers;
using BlazorCutout.Web.Data.Teams;

namespace BlazorCutout.Web.Teams;

public sealed record TeamView(Guid Id, string Name, int Members, int SharedItems);

public sealed record TeamMemberView(string UserId, string Email, TeamRole Role);

/// <summary>A team the user is in, as the account menu and the Studio's team picker show it.</summary>
public sealed record MyTeam(Guid Id, string Name, TeamRole Role);

/// <summary>
/// One page of the gallery. Filters combine (AND); <see cref="Search"/> matches the source file name (contains) or a tag
/// (prefix). Paging is by keyset: pass the previous page's <see cref="GalleryChunk.NextCursor"/> as <see cref="After"/>.
/// Dates bound the moment of sharing (from inclusive, before exclusive).
/// </summary>
public sealed record GalleryQuery(
    Guid? TeamId = null,
    ProviderOperation? Operation = null,
    string? ProviderId = null,
    string? MemberId = null,
    DateTimeOffset? SharedFrom = null,
    DateTimeOffset? SharedBefore = null,
    string? Tag = null,
    string? Search = null,
    long? After = null,
    int Take = GalleryQuery.DefaultTake)
{
    public const int DefaultTake = 48;
    public const int MaxTake = 200;
}

public sealed record GalleryItem(
    long ShareId,
    Guid TaskId,
    Guid TeamId,
    string TeamName,
    string OwnerId,
    string OwnerEmail,
    DateTimeOffset SharedAt,
    DateTimeOffset CreatedAt,
    ProviderOperation Operation,
    string ProviderId,
    string ProviderName,
    string FileName,
    string? ThumbnailUrl,
    IReadOnlyList<string> Tags);

public sealed record GalleryChunk(IReadOnlyList<GalleryItem> Items, long? NextCursor, int Total);

/// <summary>
/// A task's sharing as one user sees it: whether they may change it (owner or Admin), where it is shared, the teams it
/// could go to (the owner's), and its tags.
/// </summary>
public sealed record ShareState(bool MayChange, bool IsFinished, Guid? SharedToId, string? SharedToName, IReadOnlyList<MyTeam> Teams, IReadOnlyList<string> Tags);

/// <summary>The teams a user is in (account menu, Studio team picker); <see cref="TeamDirectory"/> answers it.</summary>
public interface IMyTeams
{
    Task<IReadOnlyList<MyTeam>> MineAsync(string userId, CancellationToken ct = default);
}

/// <summary>What the share controls call; <see cref="TeamSharing"/> answers it. Refusals are <c>TaskRejectedException</c>s.</summary>
public interface ITeamSharing
{
    Task<ShareState?> StateAsync(string userId, Guid taskId, CancellationToken ct = default);
    Task ShareAsync(string actorId, Guid taskId, Guid teamId, CancellationToken ct = default);
    Task<bool> UnshareAsync(string actorId, Guid taskId, CancellationToken ct = default);
    Task<IReadOnlyList<string>> SetTagsAsync(string actorId, Guid taskId, IEnumerable<string> tags, CancellationToken ct = default);
}
