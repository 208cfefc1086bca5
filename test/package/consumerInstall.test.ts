/**
 * The package as a user installs it: `npm pack`, then `npm install <tarball> @pulumi/pulumi
 * @pulumi/aws` in a fresh project (test/support/consumerProject.ts; cached per tarball and Node
 * major). The example program type-checks against what was installed, npm installed one
 * `@pulumi/pulumi` that the package and `@pulumi/aws` share, and an EcsTaskRun declared through the
 * installed package is created and deleted by the project's OWN provider host
 * (`node_modules/@pulumi/pulumi/cmd/dynamic-provider`) against the local ECS endpoint.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import { startEmulator, type Emulator } from "../../emulator";
import { captureInConsumer, installedCopies, prepareConsumerProject, type ConsumerProject } from "../support/consumerProject";
import { startProviderHost, type ProviderHost } from "../support/providerHost";

const run = promisify(execFile);
const RUN_TYPE = "pulumi-nodejs:dynamic/ecs-task-run:EcsTaskRun";

/** `tsc --noEmit -p <config>` in the project; resolves to tsc's output, rejects with it. */
async function typeCheck(project: ConsumerProject, config: string): Promise<void> {
    try {
        await run(process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit", "-p", config], {
            cwd: project.dir,
            maxBuffer: 16 * 1024 * 1024,
        });
    } catch (error) {
        const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
        throw new Error(`tsc -p ${config} failed in ${project.dir}:\n${stdout}${stderr}`);
    }
}

describe("the packed package, installed in a fresh project beside the newest @pulumi/pulumi and @pulumi/aws", function () {
    // A first install downloads about 230 MB (most of it @pulumi/aws); a cached one takes seconds.
    this.timeout(600_000);
    let project: ConsumerProject;

    before(async () => {
        project = await prepareConsumerProject();
        // Which versions this run checked, in the test log.
        process.stdout.write(
            `      consumer project ${project.dir} (${project.installed ? "installed now" : "cached"}): ` +
                `pulumi-ecs-task-run ${project.versions["pulumi-ecs-task-run"]}, @pulumi/pulumi ${project.versions["@pulumi/pulumi"]}, ` +
                `@pulumi/aws ${project.versions["@pulumi/aws"]}, Node ${process.versions.node}\n`,
        );
    });

    it("installs the packed files with the package's declared entry points", () => {
        const root = path.join(project.dir, "node_modules", "pulumi-ecs-task-run");
        const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
            main: string;
            types: string;
            exports: Record<string, unknown>;
        };
        assert.ok(fs.existsSync(path.join(root, manifest.main)), `main ${manifest.main} is in the package`);
        assert.ok(fs.existsSync(path.join(root, manifest.types)), `types ${manifest.types} is in the package`);
        assert.deepEqual(manifest.exports["."], { types: "./bin/provider/index.d.ts", default: "./bin/provider/index.js" });
        // Only the compiled provider ships: no sources, tests, emulator or examples.
        const shipped = fs.readdirSync(root).sort();
        assert.deepEqual(shipped, ["README.md", "bin", "package.json"]);
        assert.deepEqual(fs.readdirSync(path.join(root, "bin")), ["provider"]);
    });

    it("npm installed exactly one @pulumi/pulumi, shared by the package and @pulumi/aws", async () => {
        assert.deepEqual(installedCopies(project.dir, "@pulumi/pulumi"), [path.join("node_modules", "@pulumi", "pulumi")]);
        const { stdout } = await run("npm", ["ls", "@pulumi/pulumi", "--all", "--json"], { cwd: project.dir, maxBuffer: 16 * 1024 * 1024 });
        interface Node {
            version?: string;
            dependencies?: Record<string, Node>;
        }
        const versions = new Set<string>();
        const users: string[] = [];
        const walk = (name: string, node: Node): void => {
            for (const [child, dependency] of Object.entries(node.dependencies ?? {})) {
                if (child === "@pulumi/pulumi") {
                    versions.add(dependency.version ?? "?");
                    users.push(name);
                }
                walk(child, dependency);
            }
        };
        walk("(project)", JSON.parse(stdout) as Node);
        assert.deepEqual([...versions], [project.versions["@pulumi/pulumi"]]);
        assert.deepEqual(users.sort(), ["(project)", "@pulumi/aws", "pulumi-ecs-task-run"]);
    });

    it("tsc --noEmit: the example program type-checks against the installed package and SDK", async () => {
        await typeCheck(project, "tsconfig.json");
    });

    it("tsc --noEmit without skipLibCheck: the package's declarations type-check against the installed @pulumi/pulumi", async () => {
        await typeCheck(project, "tsconfig.lib.json");
    });

    describe("Create and Delete through the project's own provider host, against the local ECS endpoint", () => {
        let emulator: Emulator;
        let host: ProviderHost;
        let ecs: ECSClient;

        before(async () => {
            emulator = await startEmulator({ port: 0, stopTimeoutScale: 0.01 });
            ecs = new ECSClient({
                endpoint: emulator.url,
                region: "us-east-1",
                credentials: { accessKeyId: "test", secretAccessKey: "test" },
            });
            host = await startProviderHost({
                cwd: project.dir,
                hostScript: project.hostScript,
                env: {
                    AWS_ENDPOINT_URL: emulator.url,
                    AWS_REGION: "us-east-1",
                    AWS_ACCESS_KEY_ID: "test",
                    AWS_SECRET_ACCESS_KEY: "test",
                    AWS_PROFILE: undefined,
                    AWS_SESSION_TOKEN: undefined,
                },
            });
            await host.configure({ "aws:region": "us-east-1" });
        });

        after(async () => {
            ecs?.destroy();
            await host?.close();
            await emulator?.close();
        });

        it("the installed package's provider, serialized by the project's SDK, runs the task and deregisters its definition", async () => {
            const resources = await captureInConsumer(project, project.programs.run);
            assert.deepEqual(
                resources.map((r) => [r.type, r.name]),
                [[RUN_TYPE, "hello"]],
            );
            const [hello] = resources;
            const provider = String(hello.inputs.__provider);
            assert.match(provider, /^exports\.handler = /);
            // The state names the package's stable entry point only, which its `exports` declares.
            const required = [...provider.matchAll(/require\("(pulumi-ecs-task-run[^"]*)"\)/g)].map((match) => match[1]);
            assert.deepEqual([...new Set(required)], ["pulumi-ecs-task-run/dynamic-provider"]);
            assert.deepEqual(hello.inputs.__context, { project: "consumer", stack: "dev", name: "hello" });

            const checked = await host.check({}, hello.inputs);
            assert.deepEqual(checked.failures, []);
            const created = await host.create(checked.inputs);
            const state = created.properties;
            assert.equal(state.exitCode, 0, `the run's state: ${JSON.stringify(state)}\nhost output:\n${host.output()}`);
            assert.equal(state.lastStatus, "STOPPED");
            assert.deepEqual(state.logTail, ["hello from the installed package"]);
            assert.equal(emulator.requests({ operation: "RunTask" }).length, 1);
            await host.waitForOutput("hello from the installed package", 5000);

            const definition = String(state.taskDefinitionArn);
            const status = async (): Promise<string | undefined> =>
                (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: definition }))).taskDefinition?.status;
            assert.equal(await status(), "ACTIVE");
            await host.delete(created.id, state);
            assert.equal(await status(), "INACTIVE");
        });
    });
});
