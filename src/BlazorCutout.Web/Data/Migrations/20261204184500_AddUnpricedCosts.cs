using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorCutout.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddUnpricedCosts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "CostUnpriced",
                table: "Tasks",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "Unpriced",
                table: "CostEntries",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CostUnpriced",
                table: "Tasks");

            migrationBuilder.DropColumn(
                name: "Unpriced",
                table: "CostEntries");
        }
    }
}
