import assert from "node:assert/strict";
import { defaultFamily, slugifyFamily } from "../../../provider/plan/family";

describe("plan/family", () => {
    describe("slugifyFamily", () => {
        it("keeps valid families as they are, capitals included", () => {
            assert.equal(slugifyFamily("My_App-2"), "My_App-2");
        });
        it("replaces each run of other characters with one dash", () => {
            assert.equal(slugifyFamily("my app: v1.2 (beta)"), "my-app-v1-2-beta");
            assert.equal(slugifyFamily("café/étoile"), "caf-toile");
        });
        it("trims dashes at both ends", () => {
            assert.equal(slugifyFamily("  --hello--  "), "hello");
        });
        it("cuts to 255 characters and trims a dash left at the cut", () => {
            assert.equal(slugifyFamily("a".repeat(300)), "a".repeat(255));
            assert.equal(slugifyFamily("a".repeat(254) + " b"), "a".repeat(254));
        });
        it("may return an empty string", () => {
            assert.equal(slugifyFamily("!!!"), "");
        });
    });

    describe("defaultFamily", () => {
        it("joins project, stack and name", () => {
            assert.equal(defaultFamily({ project: "shop", stack: "dev", name: "db-migrate" }), "shop-dev-db-migrate");
        });
        it("slugifies them", () => {
            assert.equal(
                defaultFamily({ project: "my shop", stack: "org/prod", name: "Run Migrations!" }),
                "my-shop-org-prod-Run-Migrations",
            );
        });
        it("is never empty", () => {
            assert.equal(defaultFamily({ project: "", stack: "", name: "" }), "ecs-task-run");
            assert.equal(defaultFamily({ project: "é", stack: "?", name: "!" }), "ecs-task-run");
        });
    });
});
