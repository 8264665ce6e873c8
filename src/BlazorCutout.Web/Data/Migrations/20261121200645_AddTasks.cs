using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorCutout.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddTasks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CostEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TaskId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    ProviderId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Operation = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Amount = table.Column<decimal>(type: "TEXT", nullable: false),
                    Unit = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Estimated = table.Column<bool>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    RecordedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CostEntries", x => x.Id);
                });
            migrationBuilder.CreateTable(
                name: "Assets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OwnerId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    TaskId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Role = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Index = table.Column<int>(type: "INTEGER", nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Width = table.Column<int>(type: "INTEGER", nullable: false),
                    Height = table.Column<int>(type: "INTEGER", nullable: false),
                    Bytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StorageKey = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Assets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Assets_AspNetUsers_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
            migrationBuilder.CreateTable(
                name: "Tasks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OwnerId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    ProviderId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Operation = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    OptionsJson = table.Column<string>(type: "TEXT", nullable: false),
                    SourceAssetId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BackgroundAssetId = table.Column<Guid>(type: "TEXT", nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Progress = table.Column<int>(type: "INTEGER", nullable: true),
                    ProviderTaskId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    PollCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ErrorCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ErrorMessage = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CostAmount = table.Column<decimal>(type: "TEXT", nullable: true),
                    CostUnit = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    CostEstimated = table.Column<bool>(type: "INTEGER", nullable: false),
                    AcceptedCostAmount = table.Column<decimal>(type: "TEXT", nullable: true),
                    AcceptedCostUnit = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SubmittedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CompletedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ProcessingMs = table.Column<long>(type: "INTEGER", nullable: true),
                    RetryOfId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CancelRequested = table.Column<bool>(type: "INTEGER", nullable: false),
                    DueAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    LeaseUntilMs = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Tasks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Tasks_AspNetUsers_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
            migrationBuilder.CreateIndex(
                name: "IX_Assets_OwnerId",
                table: "Assets",
                column: "OwnerId");
            migrationBuilder.CreateIndex(
                name: "IX_Assets_TaskId",
                table: "Assets",
                column: "TaskId");
            migrationBuilder.CreateIndex(
                name: "IX_CostEntries_Day_ProviderId",
                table: "CostEntries",
                columns: new[] { "Day", "ProviderId" });
            migrationBuilder.CreateIndex(
                name: "IX_CostEntries_TaskId",
                table: "CostEntries",
                column: "TaskId",
                unique: true);
            migrationBuilder.CreateIndex(
                name: "IX_CostEntries_UserId_Day",
                table: "CostEntries",
                columns: new[] { "UserId", "Day" });
            migrationBuilder.CreateIndex(
                name: "IX_Tasks_OwnerId_CreatedUtc",
                table: "Tasks",
                columns: new[] { "OwnerId", "CreatedUtc" });
            migrationBuilder.CreateIndex(
                name: "IX_Tasks_ProviderId_State_DueAtMs",
                table: "Tasks",
                columns: new[] { "ProviderId", "State", "DueAtMs" });
            migrationBuilder.CreateIndex(
                name: "IX_Tasks_SourceAssetId",
                table: "Tasks",
                column: "SourceAssetId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Assets");
            migrationBuilder.DropTable(
                name: "CostEntries");
            migrationBuilder.DropTable(
                name: "Tasks");
        }
    }
}
