using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorCutout.Web.Data.Migrations
{
    /// <inheritdoc />
    /// <remarks>Trimmed by hand: the scaffolder also re-created the existing tables (the snapshot was right).</remarks>
    public partial class AddProviderSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ProviderSettings",
                columns: table => new
                {
                    ProviderId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: true),
                    BaseUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    ProtectedApiKey = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    PollIntervalSeconds = table.Column<double>(type: "REAL", nullable: true),
                    RequestsPerSecond = table.Column<double>(type: "REAL", nullable: true),
                    Concurrency = table.Column<int>(type: "INTEGER", nullable: true),
                    PricesJson = table.Column<string>(type: "TEXT", maxLength: 8192, nullable: true),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    UpdatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProviderSettings", x => x.ProviderId);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ProviderSettings");
        }
    }
}
