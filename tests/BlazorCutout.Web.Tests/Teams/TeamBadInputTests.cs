using BlazorCutout.Providers;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Teams;
using BlazorCutout.Web.Tests.Tasks.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using BlazorCutout.Web.Data.Teams;

namespace BlazorCutout.Web.Tests.Teams;

/// <summary>Each refusal says what is wrong in our words and changes nothing else; deleting a team unshares, never deletes.</summary>
public sealed class TeamBadInputTests(TeamWorld world) : IClassFixture<TeamWorld>
{
    [Fact]
    public async Task Sharing_someone_elses_task_is_refused_with_a_message()
    {
        var seen = await Assert.ThrowsAsync<TaskRejectedException>(() => world.Sharing.ShareAsync(world.Teammate.Id, world.Shared.Id, world.TeamA));
        Assert.Equal("Only the owner of this result (or an administrator) can share it.", seen.Message);
        var unseen = await Assert.ThrowsAsync<TaskRejectedException>(() => world.Sharing.ShareAsync(world.Loner.Id, world.Personal.Id, world.TeamA));
        Assert.Equal("There is no such result.", unseen.Message);
        Assert.Null(await world.Host.DbAsync(db => db.TeamShares.FirstOrDefaultAsync(s => s.TaskId == world.Personal.Id)));
    }

    [Fact]
    public async Task Sharing_to_a_team_the_owner_is_not_in_is_refused_and_the_share_stays_where_it_was()
    {
        var e = await Assert.ThrowsAsync<TaskRejectedException>(() => world.Sharing.ShareAsync(world.Owner.Id, world.Shared.Id, world.TeamB));
        Assert.Equal("You can only share to a team you are a member of.", e.Message);
        var row = await world.Host.DbAsync(db => db.TeamShares.AsNoTracking().SingleAsync(s => s.TaskId == world.Shared.Id));
        Assert.Equal(world.TeamA, row.TeamId);
    }

    [Fact]
    public async Task Too_long_or_too_many_tags_are_refused_whole_and_the_old_tags_stay()
    {
        var task = await world.FinishedTaskAsync(world.Owner, "tagged.png");
        Assert.Equal(["shoes", "red"], await world.Sharing.SetTagsAsync(world.Owner.Id, task.Id, [" Shoes ", "red", "SHOES", ""]));

        var tooLong = await Assert.ThrowsAsync<TaskRejectedException>(() => world.Sharing.SetTagsAsync(world.Owner.Id, task.Id, ["ok", new string('x', 33)]));
        Assert.Equal("TagTooLong", tooLong.Code);
        Assert.Contains("33 characters; a tag can have at most 32", tooLong.Message);
        var tooMany = await Assert.ThrowsAsync<TaskRejectedException>(() => world.Sharing.SetTagsAsync(world.Owner.Id, task.Id, Enumerable.Range(1, 21).Select(i => $"t{i}")));
        Assert.Equal("A result can have at most 20 tags; 21 were given.", tooMany.Message);
        Assert.Equal(20, (await world.Sharing.SetTagsAsync(world.Owner.Id, task.Id, Enumerable.Range(1, 20).Select(i => new string('a', 31) + (char)('a' + i)))).Count);
        await Assert.ThrowsAsync<TaskRejectedException>(() => world.Sharing.SetTagsAsync(world.Owner.Id, task.Id, ["x", new string('y', 40)]));

        var stored = await world.Host.DbAsync(db => db.TaskTags.Where(t => t.TaskId == task.Id).Select(t => t.Tag).ToListAsync());
        Assert.Equal(20, stored.Count);
    }

    [Fact]
    public async Task Deleting_a_team_with_shared_items_leaves_them_with_their_owners_unshared()
    {
        var team = await world.Directory.CreateAsync(world.Admin.Id, "Short-lived");
        await world.Directory.AddMemberAsync(world.Admin.Id, team.Id, await world.EmailAsync(world.Owner), TeamRole.Member);
        var task = await world.FinishedTaskAsync(world.Owner, "team-run.png", team.Id);
        await world.Sharing.ShareAsync(world.Owner.Id, task.Id, team.Id);
        await world.Sharing.SetTagsAsync(world.Owner.Id, task.Id, ["kept"]);
        Assert.Equal(team.Id, (await world.Host.TaskRowAsync(task.Id)).TeamId);
        Assert.Equal(team.Id, Assert.Single(await world.Host.CostEntriesAsync(task.Id)).TeamId);

        Assert.Equal(1, await world.Directory.DeleteAsync(world.Admin.Id, team.Id));

        var row = await world.Host.TaskRowAsync(task.Id);
        Assert.Equal(world.Owner.Id, row.OwnerId);
        Assert.Null(row.TeamId); // now personal
        Assert.Null(await world.Host.DbAsync(db => db.TeamShares.FirstOrDefaultAsync(s => s.TaskId == task.Id)));
        Assert.Equal(team.Id, Assert.Single(await world.Host.CostEntriesAsync(task.Id)).TeamId); // past spending stays attributed
        Assert.Equal(["kept"], await world.Host.DbAsync(db => db.TaskTags.Where(t => t.TaskId == task.Id).Select(t => t.Tag).ToListAsync()));
        Assert.NotNull(await world.Host.Tasks.GetAsync(world.Owner.Id, task.Id));
    }

    [Fact]
    public async Task Running_a_task_for_a_team_one_is_not_in_is_refused_and_nothing_is_queued()
    {
        var before = await world.Host.DbAsync(db => db.Tasks.CountAsync());
        var e = await Assert.ThrowsAsync<TaskRejectedException>(() => world.Host.Tasks.SubmitAsync(world.Owner.Id,
            new NewTaskRequest("instant", ProviderOperation.RemoveBackground, new JobOptions(), new IncomingImage("x.png", "image/png", TestImages.Source), TeamId: world.TeamB)));
        Assert.Equal("NotATeamMember", e.Code);
        Assert.Equal(before, await world.Host.DbAsync(db => db.Tasks.CountAsync()));
    }

    [Fact]
    public async Task Team_names_are_checked()
    {
        Assert.Equal("Give the team a name.", (await Assert.ThrowsAsync<TaskRejectedException>(() => world.Directory.CreateAsync(world.Admin.Id, "   "))).Message);
        Assert.Equal("There is already a team called “team a”.", (await Assert.ThrowsAsync<TaskRejectedException>(() => world.Directory.CreateAsync(world.Admin.Id, "team a"))).Message);
        Assert.Contains("at most 64", (await Assert.ThrowsAsync<TaskRejectedException>(() => world.Directory.CreateAsync(world.Admin.Id, new string('n', 65)))).Message);
    }
}
