using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorCutout.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddShareSourceName : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SourceName",
                table: "TeamShares",
                type: "TEXT",
                maxLength: 255,
                nullable: false,
                defaultValue: "");

            // Shares made before this column existed take their source file name from the task's source asset.
            migrationBuilder.Sql(
                """
                UPDATE "TeamShares" SET "SourceName" = COALESCE(
                    (SELECT a."FileName" FROM "Tasks" t JOIN "Assets" a ON a."Id" = t."SourceAssetId" WHERE t."Id" = "TeamShares"."TaskId"), '');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SourceName",
                table: "TeamShares");
        }
    }
}
