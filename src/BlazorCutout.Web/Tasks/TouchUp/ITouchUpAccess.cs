namespace BlazorCutout.Web.Tasks.TouchUp;

/// <summary>What the result view asks before offering "Touch up" (implemented by <see cref="ResultTouchUps"/> through <c>ItemAccess</c>).</summary>
public interface ITouchUpAccess
{
    /// <summary>Whether <paramref name="userId"/> may change the task (its owner, or an Admin).</summary>
    Task<bool> MayEditAsync(string userId, Guid taskId, CancellationToken ct = default);
}
