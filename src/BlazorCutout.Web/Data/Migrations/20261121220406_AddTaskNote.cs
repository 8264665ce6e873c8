using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorCutout.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddTaskNote : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Note",
                table: "Tasks",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Note",
                table: "Tasks");
        }
    }
}
