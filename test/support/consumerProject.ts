/**
 * A fresh Pulumi project that installs this package as a user would: `npm run build`, `npm pack`,
 * then `npm install <tarball> @pulumi/pulumi @pulumi/aws @types/node` from the registry in an empty
 * folder. npm picks, for each name, the newest version whose `engines` admit the running Node (on
 * Node 22 and 24 today's `@pulumi/pulumi`; on Node 20 the last release that supports it).
 *
 * The install is large (about 230 MB, most of it `@pulumi/aws`), so the prepared project is cached
 * under the temporary folder, keyed by the tarball's SHA-256 and the Node major version: every test
 * of one CI run, and later runs of the same package contents, reuse it. `npm pack` output is
 * reproducible (fixed mtimes), so an unchanged package gives the same key. A new install removes
 * the projects of other tarballs that were not used for a day.
 *
 * ```ts
 * const project = await prepareConsumerProject();
 * const [run] = await captureInConsumer(project, project.programs.run);
 * const host = await startProviderHost({ cwd: project.dir, hostScript: project.hostScript, env });
 * ```
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { ConsumerResource } from "./consumerCapture";

export type { ConsumerResource } from "./consumerCapture";

const run = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** npm as the running Node runs it (`npm` on PATH is a script run by the `node` on PATH). */
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/** The programs written into the project, as paths relative to {@link ConsumerProject.dir}. */
export interface ConsumerPrograms {
    /** `examples/migration-before-service/index.ts` importing `pulumi-ecs-task-run`: type-checked
     * by `tsconfig.json` (`skipLibCheck`, as `@pulumi/aws`'s declarations take a minute to check). */
    example: string;
    /** One EcsTaskRun that prints a line and exits 0, for Create and Delete through the provider host.
     * Type-checked by `tsconfig.lib.json` with every declaration file checked (no `skipLibCheck`). */
    run: string;
}

/** A prepared consumer project. */
export interface ConsumerProject {
    /** The project folder (package.json, node_modules, the programs). Shared: do not write to it. */
    dir: string;
    /** The packed package that was installed (its copy in {@link dir}). */
    tarball: string;
    /** The tarball's SHA-256 (hex). */
    tarballSha256: string;
    /** The installed versions of `pulumi-ecs-task-run`, `@pulumi/pulumi` and `@pulumi/aws` (top level). */
    versions: Record<"pulumi-ecs-task-run" | "@pulumi/pulumi" | "@pulumi/aws", string>;
    /** The dynamic provider host of the project's own `@pulumi/pulumi`. */
    hostScript: string;
    /** The programs in it. */
    programs: ConsumerPrograms;
    /** Whether this call installed the project (false: it reused a cached one). */
    installed: boolean;
}

/** Options of {@link prepareConsumerProject}. */
export interface ConsumerProjectOptions {
    /** Where prepared projects are kept (default `$ECS_TASK_RUN_CONSUMER_CACHE`, else
     * `<tmpdir>/ecs-task-run-consumers`). */
    cacheRoot?: string;
}

/** The marker written last: a folder without it is an interrupted install. */
const READY = ".consumer-ready.json";

/** One preparation per process (mocha runs test files in one process). */
const prepared = new Map<string, Promise<ConsumerProject>>();

/**
 * Builds and packs this repository, and returns a project with the tarball installed beside the
 * newest `@pulumi/pulumi` and `@pulumi/aws` (installing it, or reusing the cached one for the same
 * tarball and Node major). Needs the npm registry on a first install.
 */
export function prepareConsumerProject(options: ConsumerProjectOptions = {}): Promise<ConsumerProject> {
    const cacheRoot = options.cacheRoot ?? process.env.ECS_TASK_RUN_CONSUMER_CACHE ?? path.join(os.tmpdir(), "ecs-task-run-consumers");
    let pending = prepared.get(cacheRoot);
    if (!pending) {
        pending = prepare(cacheRoot);
        prepared.set(cacheRoot, pending);
        pending.catch(() => prepared.delete(cacheRoot));
    }
    return pending;
}

async function prepare(cacheRoot: string): Promise<ConsumerProject> {
    fs.mkdirSync(cacheRoot, { recursive: true });
    const packed = await buildAndPack(cacheRoot);
    const tarballSha256 = createHash("sha256").update(fs.readFileSync(packed)).digest("hex");
    const major = process.versions.node.split(".")[0];
    const dir = path.join(cacheRoot, `${tarballSha256.slice(0, 16)}-node${major}`);
    let installed = false;
    if (!fs.existsSync(path.join(dir, READY))) {
        await install(dir, packed, major);
        installed = true;
        pruneStale(cacheRoot, tarballSha256.slice(0, 16));
    }
    fs.rmSync(path.dirname(packed), { recursive: true, force: true });
    const tarball = path.join(dir, path.basename(packed));
    const now = new Date();
    fs.utimesSync(path.join(dir, READY), now, now);
    const programs = writePrograms(dir);
    const version = (name: string): string =>
        (JSON.parse(fs.readFileSync(path.join(dir, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
    return {
        dir,
        tarball,
        tarballSha256,
        versions: {
            "pulumi-ecs-task-run": version("pulumi-ecs-task-run"),
            "@pulumi/pulumi": version("@pulumi/pulumi"),
            "@pulumi/aws": version("@pulumi/aws"),
        },
        hostScript: path.join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js"),
        programs,
        installed,
    };
}

/** How long a prepared project of another tarball is kept unused (each is about 230 MB). */
const KEEP_UNUSED_MS = 24 * 60 * 60 * 1000;

/** Removes the prepared projects of other tarballs that no run used for {@link KEEP_UNUSED_MS}. */
function pruneStale(cacheRoot: string, currentKey: string): void {
    for (const entry of fs.readdirSync(cacheRoot)) {
        // A project, or the scratch folder of an install that was interrupted.
        if (!/^[0-9a-f]{16}-node\d+(\.installing-\d+)?$/.test(entry) || entry.startsWith(currentKey)) continue;
        const marker = path.join(cacheRoot, entry, READY);
        const used = fs.statSync(fs.existsSync(marker) ? marker : path.join(cacheRoot, entry)).mtimeMs;
        if (Date.now() - used > KEEP_UNUSED_MS) fs.rmSync(path.join(cacheRoot, entry), { recursive: true, force: true });
    }
}

/** `npm run build` (provider/ to bin/), then `npm pack` into `<cacheRoot>/packs/<pid>`; returns the tarball's path. */
async function buildAndPack(cacheRoot: string): Promise<string> {
    await run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: REPO_ROOT });
    const destination = path.join(cacheRoot, "packs", String(process.pid));
    fs.rmSync(destination, { recursive: true, force: true });
    fs.mkdirSync(destination, { recursive: true });
    const { stdout } = await run(NPM, ["pack", "--json", "--pack-destination", destination], {
        cwd: REPO_ROOT,
        maxBuffer: 16 * 1024 * 1024,
    });
    const [{ filename }] = JSON.parse(stdout) as { filename: string }[];
    return path.join(destination, filename);
}

/**
 * Installs into a scratch folder beside `dir` and renames it into place once complete, so that a
 * reader never sees a half-installed project (and two processes preparing at once both end with one).
 */
async function install(dir: string, tarball: string, nodeMajor: string): Promise<void> {
    const scratch = `${dir}.installing-${process.pid}`;
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.mkdirSync(scratch, { recursive: true });
    // The tarball is copied in, so the project's package.json names it by a path inside the project.
    fs.copyFileSync(tarball, path.join(scratch, path.basename(tarball)));
    fs.writeFileSync(
        path.join(scratch, "package.json"),
        `${JSON.stringify({ name: "consumer-of-pulumi-ecs-task-run", version: "1.0.0", private: true, main: "index.ts" }, null, 2)}\n`,
    );
    fs.writeFileSync(path.join(scratch, "Pulumi.yaml"), "name: consumer\nruntime:\n  name: nodejs\nmain: index.ts\n");
    await run(
        NPM,
        ["install", "--no-audit", "--no-fund", `./${path.basename(tarball)}`, "@pulumi/pulumi", "@pulumi/aws", `@types/node@${nodeMajor}`],
        { cwd: scratch, maxBuffer: 64 * 1024 * 1024, env: withoutNpmConfigOfTheRun() },
    );
    fs.writeFileSync(path.join(scratch, READY), `${JSON.stringify({ tarball: path.basename(tarball), node: process.version })}\n`);
    try {
        fs.renameSync(scratch, dir);
    } catch (error) {
        // Another process finished first: keep its project.
        fs.rmSync(scratch, { recursive: true, force: true });
        if (!fs.existsSync(path.join(dir, READY))) throw error;
    }
}

/**
 * This process's environment less what `npm test` sets about the repository's own package (its
 * prefix, package fields and script), which must not apply to the consumer's install. The user's
 * npm settings (cache, registry) stay.
 */
function withoutNpmConfigOfTheRun(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
        if (!/^npm_(package_|lifecycle_|config_local_prefix$|config_prefix$)/i.test(key)) env[key] = value;
    }
    return env;
}

const EXAMPLE = path.join(REPO_ROOT, "examples", "migration-before-service", "index.ts");

/** The program that runs through the provider host: what a user writes first. */
const RUN_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { EcsTaskRun } from "pulumi-ecs-task-run";

const hello = new EcsTaskRun("hello", {
    image: "public.ecr.aws/docker/library/alpine:3.20",
    command: ["sh", "-c", "echo hello from the installed package"],
    executionRoleArn: "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
    streamOutput: true,
    taskWatchPollInterval: 1,
});

// The outputs are Outputs of the project's own @pulumi/pulumi.
export const exitCode: pulumi.Output<number | null> = hello.exitCode;
export const logTail: pulumi.Output<string[]> = hello.logTail;
`;

const COMPILER_OPTIONS = {
    strict: true,
    target: "ES2022",
    module: "commonjs",
    moduleResolution: "node",
    types: ["node"],
    noEmit: true,
};

/** Writes the programs and their tsconfigs (each call: they follow this repository's examples). */
function writePrograms(dir: string): ConsumerPrograms {
    const programs: ConsumerPrograms = { example: "index.ts", run: "run.ts" };
    const example = fs.readFileSync(EXAMPLE, "utf8").replace(/from "\.\.\/\.\.\/provider"/g, 'from "pulumi-ecs-task-run"');
    if (!example.includes('from "pulumi-ecs-task-run"')) throw new Error(`${EXAMPLE} no longer imports ../../provider`);
    const files: Record<string, string> = {
        [programs.example]: example,
        [programs.run]: RUN_PROGRAM,
        "tsconfig.json": JSON.stringify(
            { compilerOptions: { ...COMPILER_OPTIONS, skipLibCheck: true }, files: [programs.example] },
            null,
            2,
        ),
        "tsconfig.lib.json": JSON.stringify(
            { compilerOptions: { ...COMPILER_OPTIONS, skipLibCheck: false }, files: [programs.run] },
            null,
            2,
        ),
    };
    for (const [name, text] of Object.entries(files)) writeIfChanged(path.join(dir, name), `${text.trimEnd()}\n`);
    return programs;
}

/** Writes through a temporary file and a rename, and only when the content differs. */
function writeIfChanged(file: string, text: string): void {
    if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return;
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
}

/**
 * Runs `program` (a file of the project) under mocks of the project's own `@pulumi/pulumi`, in a
 * fresh process in the project's folder, and returns what it registered (`inputs.__provider` is the
 * serialized provider as the installed package's code makes it).
 */
export async function captureInConsumer(project: ConsumerProject, program: string): Promise<ConsumerResource[]> {
    const { stdout } = await run(
        process.execPath,
        ["-r", require.resolve("ts-node/register/transpile-only"), path.join(__dirname, "consumerCapture.ts"), program],
        { cwd: project.dir, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
    );
    const last = stdout.trim().split("\n").pop() ?? "[]";
    return JSON.parse(last) as ConsumerResource[];
}

/** Every installed copy of `name` under `dir/node_modules` (at any depth), as paths relative to `dir`. */
export function installedCopies(dir: string, name: string): string[] {
    const found: string[] = [];
    const visit = (modules: string): void => {
        if (!fs.existsSync(modules)) return;
        for (const entry of fs.readdirSync(modules, { withFileTypes: true })) {
            if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
            const folders = entry.name.startsWith("@")
                ? fs
                      .readdirSync(path.join(modules, entry.name), { withFileTypes: true })
                      .filter((scoped) => scoped.isDirectory())
                      .map((scoped) => path.join(modules, entry.name, scoped.name))
                : [path.join(modules, entry.name)];
            for (const folder of folders) {
                const manifest = path.join(folder, "package.json");
                if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === name) {
                    found.push(path.relative(dir, folder));
                }
                visit(path.join(folder, "node_modules"));
            }
        }
    };
    visit(path.join(dir, "node_modules"));
    return found.sort();
}
