/**
 * This package as a user has it installed, for the streamed fan-out through the provider host.
 *
 * Pulumi serializes a dynamic provider by value when its module is not under `node_modules` (this
 * repository: about 310 KB of source in every resource's `__provider`), and by reference when it
 * is: installed from npm, `__provider` is a few lines requiring `pulumi-ecs-task-run/dynamic-provider`
 * (provider.ts). The engine sends `__provider` with every call and the host returns it with every
 * answer, encoded with JavaScript protobuf: at 310 KB that is about 15 ms of the host's one thread
 * per Create (encoding the answer, decoding the request), which 100 runs completing together
 * queue behind each other. The bench measures what users run: the provider compiled
 * (`tsconfig.build.json`) into `bin/bench-installed/node_modules/pulumi-ecs-task-run/bin` with
 * the package's `package.json`, a program that imports `pulumi-ecs-task-run` from there, and the
 * host started in that folder. Under `bin/` (ignored by git) of the repository, so that the
 * package's own dependencies resolve to the repository's `node_modules`, the one `@pulumi/pulumi`.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "..");

/** A prepared install: the folder to run the host in, and the program to capture. */
export interface InstalledPackage {
    /** The project folder: `node_modules/pulumi-ecs-task-run` is in it. */
    dir: string;
    /** A program exporting `streamedRuns` (bench/streamedProgram.ts) with the installed `EcsTaskRun`. */
    program: string;
}

/** Compiles the provider and lays the package out as installed; see the module comment. */
export function prepareInstalledPackage(): InstalledPackage {
    const dir = path.join(REPO_ROOT, "bin", "bench-installed");
    const pkg = path.join(dir, "node_modules", "pulumi-ecs-task-run");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(pkg, { recursive: true });
    execFileSync(
        process.execPath,
        [require.resolve("typescript/bin/tsc"), "-p", path.join(REPO_ROOT, "tsconfig.build.json"), "--outDir", path.join(pkg, "bin")],
        {
            cwd: REPO_ROOT,
            stdio: "inherit",
        },
    );
    fs.copyFileSync(path.join(REPO_ROOT, "package.json"), path.join(pkg, "package.json"));
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    // The project's own package.json: without it, `require("pulumi-ecs-task-run")` here would be
    // the repository's self-reference (its package.json is the nearest), not the installed copy.
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "bench-consumer", private: true }, null, 2));
    const program = path.join(dir, "program.js");
    fs.writeFileSync(
        program,
        [
            `const { EcsTaskRun } = require("pulumi-ecs-task-run");`,
            `const { declareStreamedRuns } = require(${JSON.stringify(path.join(REPO_ROOT, "bench", "streamedProgram.ts"))});`,
            `exports.streamedRuns = () => declareStreamedRuns(EcsTaskRun);`,
            "",
        ].join("\n"),
    );
    return { dir, program };
}
