/**
 * The module the serialized provider names in a user's state, as Pulumi's closure serialization
 * derives it from `package.json` `exports` (`@pulumi/pulumi/runtime/closure/package.js`). The
 * installed case end to end (pack, install, capture, create, delete) is `consumerInstall.test.ts`.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const PACKAGE = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    name: string;
    exports: Record<string, unknown>;
};

interface ClosurePackage {
    getModuleFromPath(modulePath: string, packageDefinition?: object): string;
}

describe("package: the stable entry point named in state", () => {
    const closure = require("@pulumi/pulumi/runtime/closure/package") as ClosurePackage;

    it("the file holding the provider's implementation is serialized as pulumi-ecs-task-run/dynamic-provider", () => {
        assert.equal(
            closure.getModuleFromPath(`${PACKAGE.name}/bin/provider/dynamicProvider.js`, PACKAGE),
            `${PACKAGE.name}/dynamic-provider`,
        );
    });

    it("the file's own path is exported too: Pulumi falls back to it when the project's path contains the package's name", () => {
        // Pulumi finds package.json at the first occurrence of the package's name in the absolute
        // path (`~/pulumi-ecs-task-run-demo/node_modules/...`), fails, and names the file as it is.
        assert.equal(
            closure.getModuleFromPath(`${PACKAGE.name}/bin/provider/dynamicProvider.js`, { name: "other" }),
            `${PACKAGE.name}/bin/provider/dynamicProvider.js`,
        );
        assert.ok("./bin/provider/dynamicProvider.js" in PACKAGE.exports, "that path is requireable too");
        assert.ok(fs.existsSync(path.join(REPO_ROOT, "provider", "dynamicProvider.ts")), "and its source stays where the export says");
    });
});
