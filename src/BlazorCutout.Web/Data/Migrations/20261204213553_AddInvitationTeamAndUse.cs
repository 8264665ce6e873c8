using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorCutout.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddInvitationTeamAndUse : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "TeamId",
                table: "Invitations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UsedById",
                table: "Invitations",
                type: "TEXT",
                maxLength: 450,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Invitations_TeamId",
                table: "Invitations",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_Invitations_UsedById",
                table: "Invitations",
                column: "UsedById");

            migrationBuilder.AddForeignKey(
                name: "FK_Invitations_AspNetUsers_UsedById",
                table: "Invitations",
                column: "UsedById",
                principalTable: "AspNetUsers",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "FK_Invitations_Teams_TeamId",
                table: "Invitations",
                column: "TeamId",
                principalTable: "Teams",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Invitations_AspNetUsers_UsedById",
                table: "Invitations");

            migrationBuilder.DropForeignKey(
                name: "FK_Invitations_Teams_TeamId",
                table: "Invitations");

            migrationBuilder.DropIndex(
                name: "IX_Invitations_TeamId",
                table: "Invitations");

            migrationBuilder.DropIndex(
                name: "IX_Invitations_UsedById",
                table: "Invitations");

            migrationBuilder.DropColumn(
                name: "TeamId",
                table: "Invitations");

            migrationBuilder.DropColumn(
                name: "UsedById",
                table: "Invitations");
        }
    }
}
