using System.Net.WebSockets;
using BlazorCutout.Bench;
using BlazorCutout.Providers;
using BlazorCutout.Web.Data.Teams;
using BlazorCutout.Web.Tasks.Live;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Teams;
using BlazorCutout.Web.Tests.Support;
using BlazorCutout.Web.Tests.Tasks.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Web.Tests.Teams;

/// <summary>
/// One install with the people of the permission matrix: an Admin, the owner of a task shared to
/// team A, a teammate in A, a member of team B only, a former member of A (removed after the share) and a user in no
/// team. <see cref="Shared"/> is in A's gallery; <see cref="Personal"/> is the owner's and unshared.
/// </summary>
public sealed class TeamWorld : IAsyncLifetime
{
    public ScriptedProvider Instant { get; } = new("instant", synchronous: true);
    public TasksApp Host { get; private set; } = default!;
    public SignedInUser Admin { get; private set; } = default!;
    public SignedInUser Owner { get; private set; } = default!;
    public SignedInUser Teammate { get; private set; } = default!;
    public SignedInUser OtherTeam { get; private set; } = default!;
    public SignedInUser Former { get; private set; } = default!;
    public SignedInUser Loner { get; private set; } = default!;
    public Guid TeamA { get; private set; }
    public Guid TeamB { get; private set; }
    public TaskView Shared { get; private set; } = default!;
    public TaskView Personal { get; private set; } = default!;

    public TeamDirectory Directory => Host.Services.GetRequiredService<TeamDirectory>();
    public TeamSharing Sharing => Host.Services.GetRequiredService<TeamSharing>();

    public async Task InitializeAsync()
    {
        Host = new TasksApp().WithProvider(Instant);
        Admin = await Host.SignInNewAdminAsync();
        Owner = await Host.SignInNewUserAsync();
        Teammate = await Host.SignInNewUserAsync();
        OtherTeam = await Host.SignInNewUserAsync();
        Former = await Host.SignInNewUserAsync();
        Loner = await Host.SignInNewUserAsync();
        TeamA = (await Directory.CreateAsync(Admin.Id, "Team A")).Id;
        TeamB = (await Directory.CreateAsync(Admin.Id, "Team B")).Id;
        foreach (var user in new[] { Owner, Teammate, Former })
            await Directory.AddMemberAsync(Admin.Id, TeamA, await EmailAsync(user), TeamRole.Member);
        await Directory.AddMemberAsync(Admin.Id, TeamB, await EmailAsync(OtherTeam), TeamRole.Lead);

        Shared = await FinishedTaskAsync(Owner, "shared.png");
        Personal = await FinishedTaskAsync(Owner, "personal.png");
        await Sharing.ShareAsync(Owner.Id, Shared.Id, TeamA);
        await Directory.RemoveMemberAsync(Admin.Id, TeamA, Former.Id);
    }

    public async Task<TaskView> FinishedTaskAsync(SignedInUser user, string fileName, Guid? teamId = null)
    {
        var id = (await Host.Tasks.SubmitAsync(user.Id, new NewTaskRequest("instant", ProviderOperation.RemoveBackground, new JobOptions(),
            new IncomingImage(fileName, "image/png", TestImages.Source), TeamId: teamId))).Id;
        var row = await Host.WaitForFinalRowAsync(id);
        Assert.Equal(CutoutTaskState.Succeeded, row.State);
        return (await Host.Tasks.GetAsync(user.Id, id))!;
    }

    public Task<string> EmailAsync(SignedInUser user) =>
        Host.DbAsync(db => Task.FromResult(db.Users.Single(u => u.Id == user.Id).Email!));

    internal Task<TaskHubClient> ConnectHubAsync(SignedInUser user) => TaskHubClient.ConnectAsync(
        new Uri("http://localhost" + TaskHub.Path),
        options => options.WebSocketFactory = async (context, ct) =>
        {
            var client = Host.Server.CreateWebSocketClient();
            client.ConfigureRequest = request => request.Headers.Cookie = user.CookieHeader;
            return await client.ConnectAsync(context.Uri, ct);
        },
        TaskEventLog.Patience);

    public HttpClient Anonymous() => Host.CreateClient(new() { AllowAutoRedirect = false });

    public async Task DisposeAsync()
    {
        Host.Dispose();
        await Task.CompletedTask;
    }
}
