using System.Net;
using BlazorCutout.Web.Account;
using BlazorCutout.Web.Account.Registration;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Web.Tests.Security;

/// <summary>Who may get in: BlazorCutout:Registration, the first-administrator setup link, invitations. Each test has a fresh install.</summary>
public sealed class RegistrationModeTests
{
    [Fact]
    public async Task A_fresh_install_cannot_be_claimed_by_a_stranger_only_by_the_setup_link_in_the_log_and_only_once()
    {
        using var app = new AppFactory().WithSetting(RegistrationOptions.ModeKey, null); // the default: invite
        using var stranger = app.CreateBrowser();

        var page = await stranger.GetPageAsync("/Account/Register");
        Assert.Contains(AccountRegistrar.ByInvitationOnly, page);
        using (var refused = await PostRegisterAsync(app, "/Account/Register", "stranger@example.test"))
            Assert.Contains(AccountRegistrar.ByInvitationOnly, await refused.Content.ReadAsStringAsync());
        using (var guessed = await PostRegisterAsync(app, "/Account/Register?setup=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "guesser@example.test"))
            Assert.Contains(AccountRegistrar.InvalidSetupLink, await guessed.Content.ReadAsStringAsync());
        Assert.Equal(0, await CountUsersAsync(app));

        var setupPath = TestBrowser.SetupPathFromLog(app.Logs.Lines);
        using var owner = app.CreateBrowser();
        await owner.RegisterSignedInAsync("owner@example.test", registerPath: setupPath);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/admin")).StatusCode);

        using (var again = await PostRegisterAsync(app, setupPath, "second-owner@example.test"))
            Assert.Contains(AccountRegistrar.InvalidSetupLink, await again.Content.ReadAsStringAsync());
        Assert.Equal(1, await CountUsersAsync(app));
    }

    [Fact]
    public async Task Open_registration_makes_members_never_the_administrator()
    {
        using var app = new AppFactory().WithSetting(RegistrationOptions.ModeKey, "open");
        using var first = app.CreateBrowser();

        await first.RegisterSignedInAsync(TestBrowser.UniqueEmail("first"));

        Assert.Equal(HttpStatusCode.Forbidden, (await first.GetAsync("/admin")).StatusCode);
        Assert.Contains(app.Logs.Lines, l => l.Contains("/Account/Register?setup=")); // the install is still unclaimed
    }

    [Fact]
    public async Task An_invitation_lets_one_person_register_once_and_an_expired_or_unknown_one_nobody()
    {
        using var app = new AppFactory()
            .WithSetting(RegistrationOptions.ModeKey, "invite")
            .WithSetting("BlazorCutout:Admin:Email", "admin@example.test")
            .WithSetting("BlazorCutout:Admin:Password", TestBrowser.StrongPassword);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("/Account/Register?setup=")); // a configured admin needs no link
        var invitation = await InviteAsync(app, "admin@example.test");

        using var invited = app.CreateBrowser();
        await invited.RegisterSignedInAsync("invited@example.test", registerPath: "/" + invitation.RelativeLink);
        Assert.Equal(HttpStatusCode.Forbidden, (await invited.GetAsync("/admin")).StatusCode); // a member

        using (var reused = await PostRegisterAsync(app, "/" + invitation.RelativeLink, "second@example.test"))
            Assert.Contains(AccountRegistrar.InvalidInvitation, await reused.Content.ReadAsStringAsync());
        using (var unknown = await PostRegisterAsync(app, "/Account/Register?invite=not-a-real-invitation", "third@example.test"))
            Assert.Contains(AccountRegistrar.InvalidInvitation, await unknown.Content.ReadAsStringAsync());

        var expiring = await InviteAsync(app, "admin@example.test");
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Invitations.Where(i => i.UsedUtc == null)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.ExpiresUtc, DateTime.UtcNow.AddSeconds(-1)));
        using (var expired = await PostRegisterAsync(app, "/" + expiring.RelativeLink, "late@example.test"))
            Assert.Contains(AccountRegistrar.InvalidInvitation, await expired.Content.ReadAsStringAsync());

        Assert.Equal(2, await CountUsersAsync(app)); // the admin and the one invited person
    }

    [Fact]
    public async Task Only_administrators_can_invite_and_only_a_hash_of_the_link_is_stored()
    {
        using var app = new AppFactory()
            .WithSetting(RegistrationOptions.ModeKey, "open")
            .WithSetting("BlazorCutout:Admin:Email", "admin@example.test")
            .WithSetting("BlazorCutout:Admin:Password", TestBrowser.StrongPassword);
        using var member = app.CreateBrowser();
        await member.RegisterSignedInAsync("member@example.test");

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => InviteAsync(app, "member@example.test"));
        var invitation = await InviteAsync(app, "admin@example.test");

        await using var scope = app.Services.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Invitations.SingleAsync();
        Assert.DoesNotContain(invitation.Token, row.TokenHash);
        Assert.Equal(64, row.TokenHash.Length);
    }

    [Fact]
    public async Task Closed_registration_refuses_everyone_invited_or_not()
    {
        using var app = new AppFactory()
            .WithSetting(RegistrationOptions.ModeKey, "closed")
            .WithSetting("BlazorCutout:Admin:Email", "admin@example.test")
            .WithSetting("BlazorCutout:Admin:Password", TestBrowser.StrongPassword);
        var invitation = await InviteAsync(app, "admin@example.test");

        using (var plain = await PostRegisterAsync(app, "/Account/Register", "someone@example.test"))
            Assert.Contains(AccountRegistrar.Closed, await plain.Content.ReadAsStringAsync());
        using (var invited = await PostRegisterAsync(app, "/" + invitation.RelativeLink, "invited@example.test"))
            Assert.Contains(AccountRegistrar.Closed, await invited.Content.ReadAsStringAsync());
        Assert.Equal(1, await CountUsersAsync(app));
    }

    [Fact]
    public void An_unknown_registration_mode_stops_the_start_with_the_key_named()
    {
        using var app = new AppFactory().WithSetting(RegistrationOptions.ModeKey, "everyone");

        var error = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains("BlazorCutout:Registration is 'everyone'", error.ToString());
    }

    // The form is posted even where the page says up front that it will be refused: the rule is enforced on the post.
    private static async Task<HttpResponseMessage> PostRegisterAsync(AppFactory app, string path, string email)
    {
        using var browser = app.CreateBrowser();
        var response = await browser.SubmitFormAsync(path, "register", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = TestBrowser.StrongPassword,
            ["Input.ConfirmPassword"] = TestBrowser.StrongPassword,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // refused in the page, not redirected as accepted
        return response;
    }

    private static async Task<Invitation> InviteAsync(AppFactory app, string creatorEmail)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(creatorEmail);
        var principal = await scope.ServiceProvider.GetRequiredService<SignInManager<AppUser>>().CreateUserPrincipalAsync(user!);
        return await scope.ServiceProvider.GetRequiredService<Invitations>().CreateAsync(principal);
    }

    private static async Task<int> CountUsersAsync(AppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.CountAsync();
    }
}
