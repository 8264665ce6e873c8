using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tasks.Storage;
using BlazorCutout.Web.Teams;
using BlazorCutout.Web.Tests.Support;
using BlazorCutout.Web.Tests.Tasks.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using BlazorCutout.Web.Data.Teams;

namespace BlazorCutout.Web.Tests.Teams;

/// <summary>
/// The permission matrix of the team gallery: owner, teammate, member of another team, former member (removed after
/// the share), a user in no team, Admin, anonymous — for every asset and thumbnail URL, the ZIP, the gallery (page and
/// API), share/unshare/tags, the admin page and the hub. Refused: 404 for items, 403 for admin pages and for changing a
/// teammate's item one can see, 401 for anonymous API calls, the login redirect for anonymous pages.
/// </summary>
public sealed class TeamPermissionTests(TeamWorld world) : IClassFixture<TeamWorld>
{
    private IEnumerable<string> SharedUrls()
    {
        var result = Assert.Single(world.Shared.Results);
        return [result.Url, result.ThumbnailUrl, result.DownloadUrl, world.Shared.Source.Url, world.Shared.Source.ThumbnailUrl, world.Shared.Source.DownloadUrl];
    }

    [Fact]
    public async Task Every_asset_and_thumbnail_of_a_shared_task_is_served_to_owner_teammate_and_admin_and_404_to_everyone_else()
    {
        foreach (var url in SharedUrls())
        {
            foreach (var allowed in new[] { world.Owner, world.Teammate, world.Admin })
            {
                using var ok = await allowed.Browser.GetAsync(url);
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            }
            foreach (var refused in new[] { world.OtherTeam, world.Former, world.Loner })
            {
                using var no = await refused.Browser.GetAsync(url);
                Assert.Equal(HttpStatusCode.NotFound, no.StatusCode);
            }
            using var anonymous = await world.Anonymous().GetAsync(url);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
    }

    [Fact]
    public async Task A_thumbnail_is_cached_privately_with_an_etag_and_revalidates_to_304()
    {
        var url = Assert.Single(world.Shared.Results).ThumbnailUrl;
        using var first = await world.Teammate.Browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("private", first.Headers.CacheControl!.ToString());
        var etag = first.Headers.ETag!;
        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.Add(etag);
        using var second = await world.Teammate.Browser.Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task The_personal_task_stays_the_owners_even_for_a_teammate()
    {
        var result = Assert.Single(world.Personal.Results);
        foreach (var url in new[] { result.Url, result.ThumbnailUrl, world.Personal.Source.Url })
        {
            using var teammate = await world.Teammate.Browser.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, teammate.StatusCode);
            using var owner = await world.Owner.Browser.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        }
        Assert.Null(await world.Host.Tasks.GetAsync(world.Teammate.Id, world.Personal.Id));
        Assert.NotNull(await world.Host.Tasks.GetAsync(world.Admin.Id, world.Personal.Id)); // Admins see everything
    }

    [Fact]
    public async Task The_zip_holds_what_the_caller_may_see_and_nothing_else()
    {
        var url = AssetArchive.Url([world.Shared.Id, world.Personal.Id]);
        using (var teammate = await world.Teammate.Browser.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, teammate.StatusCode);
            using var zip = new ZipArchive(new MemoryStream(await teammate.Content.ReadAsByteArrayAsync()));
            Assert.Equal("shared-cutout.png", Assert.Single(zip.Entries).Name); // the personal task is skipped as unknown
        }
        using (var owner = await world.Owner.Browser.GetAsync(url))
        {
            using var zip = new ZipArchive(new MemoryStream(await owner.Content.ReadAsByteArrayAsync()));
            Assert.Equal(2, zip.Entries.Count);
        }
        foreach (var refused in new[] { world.OtherTeam, world.Former, world.Loner })
        {
            using var no = await refused.Browser.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, no.StatusCode);
        }
        using var anonymous = await world.Anonymous().GetAsync(url);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task The_gallery_lists_the_share_to_its_team_and_admins_only()
    {
        foreach (var (user, sees) in new[] { (world.Owner, true), (world.Teammate, true), (world.Admin, true), (world.OtherTeam, false), (world.Former, false), (world.Loner, false) })
        {
            var page = await world.Host.Services.GetRequiredService<BlazorCutout.Web.Gallery.GalleryService>().PageAsync(user.Id, new GalleryQuery());
            Assert.Equal(sees, page.Items.Any(i => i.TaskId == world.Shared.Id));
            Assert.DoesNotContain(page.Items, i => i.TaskId == world.Personal.Id);

            using var api = await user.Browser.GetAsync("/api/gallery");
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
            Assert.Equal(sees, (await api.Content.ReadAsStringAsync()).Contains(world.Shared.Id.ToString("D")));

            // The page renders the first page on the server (prerendering), so the HTML already holds what the user may see.
            var html = await user.Browser.GetPageAsync("/gallery");
            Assert.Equal(sees, html.Contains(world.Shared.Id.ToString("N")));
        }
        using var anonymousApi = await world.Anonymous().GetAsync("/api/gallery");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousApi.StatusCode);
        using var anonymousPage = await world.Anonymous().GetAsync("/gallery");
        HttpAssert.RedirectsToLogin(anonymousPage);
    }

    [Fact]
    public async Task Share_unshare_and_tags_are_403_for_a_teammate_404_for_those_who_cannot_see_it_and_401_anonymous_and_change_nothing()
    {
        var share = $"/api/tasks/{world.Shared.Id:D}/share";
        var tags = $"/api/tasks/{world.Shared.Id:D}/tags";
        foreach (var (user, status) in new[] { (world.Teammate, HttpStatusCode.Forbidden), (world.OtherTeam, HttpStatusCode.NotFound), (world.Former, HttpStatusCode.NotFound), (world.Loner, HttpStatusCode.NotFound) })
        {
            using var post = await user.Browser.Client.PostAsJsonAsync(share, new { teamId = world.TeamB });
            Assert.True(status == post.StatusCode, $"{status} expected, got {post.StatusCode}: {await post.Content.ReadAsStringAsync()}");
            using var delete = await user.Browser.Client.DeleteAsync(share);
            Assert.Equal(status, delete.StatusCode);
            using var put = await user.Browser.Client.PutAsJsonAsync(tags, new { tags = new[] { "mine" } });
            Assert.Equal(status, put.StatusCode);
        }
        var anonymous = world.Anonymous();
        using (var post = await anonymous.PostAsJsonAsync(share, new { teamId = world.TeamA })) Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        using (var delete = await anonymous.DeleteAsync(share)) Assert.Equal(HttpStatusCode.Unauthorized, delete.StatusCode);
        using (var put = await anonymous.PutAsJsonAsync(tags, new { tags = new[] { "x" } })) Assert.Equal(HttpStatusCode.Unauthorized, put.StatusCode);

        var row = await world.Host.DbAsync(db => db.TeamShares.AsNoTracking().SingleAsync(s => s.TaskId == world.Shared.Id));
        Assert.Equal(world.TeamA, row.TeamId);
        Assert.Equal(world.Owner.Id, row.SharedById);
        Assert.Empty(await world.Host.DbAsync(db => db.TaskTags.Where(t => t.TaskId == world.Shared.Id).ToListAsync()));
    }

    [Fact]
    public async Task An_admin_may_share_and_unshare_an_owners_task_to_the_owners_team()
    {
        var task = await world.FinishedTaskAsync(world.Owner, "by-admin.png");
        using (var post = await world.Admin.Browser.Client.PostAsJsonAsync($"/api/tasks/{task.Id:D}/share", new { teamId = world.TeamA }))
            Assert.Equal(HttpStatusCode.NoContent, post.StatusCode);
        Assert.Contains((await world.Host.Services.GetRequiredService<BlazorCutout.Web.Gallery.GalleryService>().PageAsync(world.Teammate.Id, new GalleryQuery())).Items,
            i => i.TaskId == task.Id);
        using (var delete = await world.Admin.Browser.Client.DeleteAsync($"/api/tasks/{task.Id:D}/share"))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await world.Teammate.Browser.GetAsync(Assert.Single(task.Results).Url);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task The_teams_admin_page_is_403_for_members_200_for_admins_and_a_login_redirect_for_anonymous()
    {
        foreach (var member in new[] { world.Owner, world.OtherTeam })
        {
            using var refused = await member.Browser.GetAsync("/admin/teams");
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        var html = await world.Admin.Browser.GetPageAsync("/admin/teams");
        Assert.Contains("Team A", html);
        using var anonymous = await world.Anonymous().GetAsync("/admin/teams");
        HttpAssert.RedirectsToLogin(anonymous);

        var ex = await Assert.ThrowsAsync<TaskRejectedException>(() => world.Directory.CreateAsync(world.Owner.Id, "Sneaky"));
        Assert.Equal("NotAllowed", ex.Code);
        await Assert.ThrowsAsync<TaskRejectedException>(() => world.Directory.AddMemberAsync(world.Teammate.Id, world.TeamA, "x@example.test", TeamRole.Lead));
    }

    [Fact]
    public async Task Hub_gallery_events_reach_current_team_members_only_and_a_removed_member_stops_hearing_them_at_once()
    {
        var member = await world.Host.SignInNewUserAsync();
        await world.Directory.AddMemberAsync(world.Admin.Id, world.TeamA, await world.EmailAsync(member), TeamRole.Member);
        await using var teammateHub = await world.ConnectHubAsync(world.Teammate);
        await using var otherHub = await world.ConnectHubAsync(world.OtherTeam);
        await using var memberHub = await world.ConnectHubAsync(member);
        await using var formerHub = await world.ConnectHubAsync(world.Former);
        await using var adminHub = await world.ConnectHubAsync(world.Admin);

        // Removed while connected: the open connection leaves the team's group at once.
        await world.Directory.RemoveMemberAsync(world.Admin.Id, world.TeamA, member.Id);

        var task = await world.FinishedTaskAsync(world.Owner, "live.png");
        await world.Sharing.ShareAsync(world.Owner.Id, task.Id, world.TeamA);
        var heard = await teammateHub.WaitForGalleryAsync(e => e.TaskId == task.Id);
        Assert.Equal(GalleryChangeKind.Shared, heard.Kind);
        Assert.Equal(world.TeamA, heard.TeamId);

        // A later event for team B, once B's member has it, proves A's event would have arrived before it.
        var other = await world.FinishedTaskAsync(world.OtherTeam, "b.png");
        await world.Sharing.ShareAsync(world.OtherTeam.Id, other.Id, world.TeamB);
        await otherHub.WaitForGalleryAsync(e => e.TaskId == other.Id);
        // The removed member joins team B while connected: B's later event reaches them; A's earlier one never did.
        await world.Directory.AddMemberAsync(world.Admin.Id, world.TeamB, await world.EmailAsync(member), TeamRole.Member);
        await world.Sharing.UnshareAsync(world.OtherTeam.Id, other.Id);
        await memberHub.WaitForGalleryAsync(e => e.TaskId == other.Id && e.Kind == GalleryChangeKind.Unshared);

        Assert.DoesNotContain(otherHub.GalleryReceived, e => e.TaskId == task.Id);
        Assert.DoesNotContain(memberHub.GalleryReceived, e => e.TaskId == task.Id);
        Assert.DoesNotContain(formerHub.GalleryReceived, e => e.TaskId == task.Id);
        Assert.DoesNotContain(teammateHub.GalleryReceived, e => e.TaskId == other.Id);
        Assert.Empty(adminHub.GalleryReceived); // an Admin in no team may look at any gallery, but is not subscribed to them
        Assert.Empty(teammateHub.Received.Where(e => e.OwnerId != world.Teammate.Id)); // task events stay the owner's
    }
}
