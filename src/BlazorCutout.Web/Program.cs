using BlazorCutout.Web.Data;
using BlazorCutout.Web.Infrastructure;

// Composition lives in extension methods so features can be added without growing this file:
// services in AddBlazorCutoutWeb, the request pipeline and endpoints in UseBlazorCutoutWeb.
var builder = WebApplication.CreateBuilder(args);
builder.AddBlazorCutoutWeb();

var app = builder.Build();
await app.Services.PrepareDatabaseAsync();
await app.Services.UpgradeKeyRingAsync(); // before anything reads the key ring
app.UseBlazorCutoutWeb();
app.Run();

// Visible to WebApplicationFactory<Program> in the integration tests.
public partial class Program;
