using System.Globalization;
using BlazorCutout.Web.Account;
using BlazorCutout.Web.Infrastructure;
using CsvHelper;

namespace BlazorCutout.Web.Admin.Usage;

/// <summary>
/// <c>/admin/usage/export.csv?from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>: the cost-ledger rows behind the dashboard's range,
/// written row by row as they are read (CsvHelper onto the response body), for Admins only (401/403, no redirect:
/// it is a download, not a page).
/// </summary>
public static class UsageCsvEndpoint
{
    public const string Route = "/admin/usage/export.csv";

    public static string UrlFor(UsageRange range) => $"{Route.TrimStart('/')}?{range.Query}";

    public static IEndpointRouteBuilder MapUsageExport(this IEndpointRouteBuilder app)
    {
        app.MapGet(Route, ExportAsync).RequireSignedInApi().RequireAuthorization(p => p.RequireRole(Roles.Admin));
        return app;
    }

    private static async Task ExportAsync(string? from, string? to, HttpContext http, UsageReporter reporter, CancellationToken ct)
    {
        if (UsageRange.Parse(from, to, out var error) is not { } range)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(error!, ct);
            return;
        }
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"usage-{range.From:yyyy-MM-dd}-to-{range.To:yyyy-MM-dd}.csv\"";
        http.Response.Headers.CacheControl = "no-store";
        // Cells starting with = + - @ are escaped: a user's e-mail or a team name must not run as a spreadsheet formula.
        var csv = CsvWriter.Create(http.Response.Body, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        await using (csv)
        {
            foreach (var header in LedgerCsvRow.Header) csv.WriteField(header);
            await csv.EndRecordAsync(ct);
            await foreach (var line in reporter.LedgerLinesAsync(range, ct))
            {
                foreach (var field in LedgerCsvRow.Fields(line)) csv.WriteField(field);
                await csv.EndRecordAsync(ct); // hands full buffers to the response as it goes
            }
        }
    }
}

/// <summary>The CSV's columns. An unknown price is an empty Amount with Priced=false, never a 0.</summary>
public static class LedgerCsvRow
{
    public static readonly string[] Header =
        ["Day", "RecordedUtc", "TaskId", "User", "Team", "Provider", "Operation", "Amount", "Unit", "Estimated", "Priced"];

    public static string?[] Fields(LedgerLine l) =>
    [
        l.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        l.RecordedUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        l.TaskId.ToString(), l.UserEmail, l.TeamName, l.ProviderId, l.Operation,
        l.Amount?.ToString(CultureInfo.InvariantCulture) ?? "", l.Unit,
        l.Estimated ? "true" : "false", l.Amount is null ? "false" : "true",
    ];
}
