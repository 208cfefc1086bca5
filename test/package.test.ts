import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");

/** What a user installs: `npm run build` compiles provider/ to the package's `main`. */
describe("the published package", function () {
    this.timeout(120_000);

    it('after npm run build, require("pulumi-ecs-task-run") gives EcsTaskRun and previewRun, with types', async () => {
        await run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT });
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { name: string; main: string; types: string };
        assert.equal(pkg.name, "pulumi-ecs-task-run");
        assert.ok(fs.existsSync(path.join(ROOT, pkg.types)), `${pkg.types} exists`);
        // A fresh process, as a user's program would load it (by the package folder, through `main`).
        const { stdout } = await run(process.execPath, [
            "-e",
            `const m = require(${JSON.stringify(ROOT)}); console.log(typeof m.EcsTaskRun, typeof m.previewRun, m.EcsTaskRun.name);`,
        ]);
        assert.equal(stdout.trim(), "function function EcsTaskRun");
        // The published files are the compiled provider only: no emulator, tests or examples.
        assert.ok(!fs.existsSync(path.join(ROOT, "bin", "provider", "emulator")));
    });
});
