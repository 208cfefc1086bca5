import * as path from "node:path";
import * as os from "node:os";
import * as fs from "node:fs";
import assert from "node:assert/strict";
import { CreateLogGroupCommand, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { StopTaskCommand } from "@aws-sdk/client-ecs";
import { startEmulator, type Emulator } from "../../emulator";
import {
    alive,
    awslogs,
    clientsFor,
    describeTask,
    destroyClients,
    registerSimple,
    runOne,
    taskIdOf,
    waitFor,
    waitForStatus,
    type Clients,
} from "./helpers";

async function logLines(c: Clients, group: string, stream: string): Promise<string[]> {
    const out = await c.logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }));
    return (out.events ?? []).map((e) => e.message ?? "");
}

describe("emulator: task execution", () => {
    let emulator: Emulator;
    let c: Clients;

    before(async () => {
        emulator = await startEmulator({ stopTimeoutScale: 0.01 });
        c = clientsFor(emulator);
        await c.logs.send(new CreateLogGroupCommand({ logGroupName: "/exec" }));
    });
    after(async () => {
        destroyClients(c);
        await emulator.close();
    });

    it("runs the command, records exit code 3 and ships stdout and stderr to the awslogs stream", async () => {
        await registerSimple(c.ecs, "exit3", {
            command: ["sh", "-c", "echo one; echo two >&2; exit 3"],
            logConfiguration: awslogs("/exec"),
        });
        const arn = await runOne(c.ecs, { taskDefinition: "exit3" });
        const seen = new Set<string>();
        const stopped = await waitFor("STOPPED", async () => {
            const t = await describeTask(c.ecs, arn);
            seen.add(t?.lastStatus ?? "");
            return t?.lastStatus === "STOPPED" ? t : undefined;
        });
        assert.equal(stopped.desiredStatus, "STOPPED");
        assert.equal(stopped.stopCode, "EssentialContainerExited");
        assert.equal(stopped.stoppedReason, "Essential container in task exited");
        assert.equal(stopped.containers?.[0].exitCode, 3);
        assert.equal(stopped.containers?.[0].lastStatus, "STOPPED");
        assert.ok(stopped.stoppedAt! >= stopped.startedAt!);
        assert.ok(seen.has("PROVISIONING") || seen.has("PENDING"), [...seen].join());

        const stream = `app/main/${taskIdOf(arn)}`;
        const out = await c.logs.send(new GetLogEventsCommand({ logGroupName: "/exec", logStreamName: stream, startFromHead: true }));
        assert.deepEqual(out.events?.map((e) => e.message).sort(), ["one", "two"]);
        for (const e of out.events ?? []) {
            assert.ok(Number.isInteger(e.timestamp) && e.timestamp! > 1e12, "millisecond timestamps");
            assert.ok(e.ingestionTime! >= e.timestamp!);
        }
        const end = await c.logs.send(
            new GetLogEventsCommand({ logGroupName: "/exec", logStreamName: stream, nextToken: out.nextForwardToken }),
        );
        assert.deepEqual(end.events, []);
        assert.equal(end.nextForwardToken, out.nextForwardToken, "at the end the same forward token comes back");
    });

    it("prepends entryPoint and prefers the override's command", async () => {
        await registerSimple(c.ecs, "entry", {
            entryPoint: ["sh", "-c"],
            command: ["echo from-definition"],
            logConfiguration: awslogs("/exec"),
        });
        const arn = await runOne(c.ecs, {
            taskDefinition: "entry",
            overrides: { containerOverrides: [{ name: "main", command: ["echo from-override"] }] },
        });
        await waitForStatus(c.ecs, arn);
        assert.deepEqual(await logLines(c, "/exec", `app/main/${taskIdOf(arn)}`), ["from-override"]);
    });

    it("passes the definition's environment plus the override's (override wins), PATH and HOME, nothing else", async () => {
        process.env.EMULATOR_SECRET_SHOULD_NOT_LEAK = "leak";
        try {
            await registerSimple(c.ecs, "envs", {
                command: ["sh", "-c", "env | sort"],
                environment: [
                    { name: "FROM_DEF", value: "def" },
                    { name: "BOTH", value: "def" },
                ],
                logConfiguration: awslogs("/exec"),
            });
            const arn = await runOne(c.ecs, {
                taskDefinition: "envs",
                overrides: {
                    containerOverrides: [
                        {
                            name: "main",
                            environment: [
                                { name: "BOTH", value: "override" },
                                { name: "ONLY_OVERRIDE", value: "o" },
                            ],
                        },
                    ],
                },
            });
            await waitForStatus(c.ecs, arn);
            const lines = await logLines(c, "/exec", `app/main/${taskIdOf(arn)}`);
            const env = new Map(lines.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
            assert.equal(env.get("FROM_DEF"), "def");
            assert.equal(env.get("BOTH"), "override");
            assert.equal(env.get("ONLY_OVERRIDE"), "o");
            assert.equal(env.get("PATH"), process.env.PATH);
            assert.equal(env.has("EMULATOR_SECRET_SHOULD_NOT_LEAK"), false);
            // NODE_V8_COVERAGE: Node itself adds it to every child's environment while coverage is
            // collected (c8 in npm test), whatever environment the child is given.
            const allowed = new Set([
                "FROM_DEF",
                "BOTH",
                "ONLY_OVERRIDE",
                "PATH",
                "HOME",
                "PWD",
                "SHLVL",
                "_",
                "AWS_EXECUTION_ENV",
                "ECS_CONTAINER_METADATA_URI_V4",
                "NODE_V8_COVERAGE",
            ]);
            for (const key of env.keys()) assert.ok(allowed.has(key), `unexpected variable ${key}`);
        } finally {
            delete process.env.EMULATOR_SECRET_SHOULD_NOT_LEAK;
        }
    });

    it("StopTask sends SIGTERM to a running task: UserInitiated, the given reason, exit 143", async () => {
        await registerSimple(c.ecs, "sleep30", { command: ["sleep", "30"] });
        const arn = await runOne(c.ecs, { taskDefinition: "sleep30" });
        await waitForStatus(c.ecs, arn, "RUNNING");
        const pid = emulator.tasks().find((t) => t.taskArn === arn)?.containers[0].pid;
        assert.ok(pid !== undefined && alive(pid));
        const out = await c.ecs.send(new StopTaskCommand({ task: arn, reason: "no longer needed" }));
        assert.equal(out.task?.desiredStatus, "STOPPED");
        const t = await waitForStatus(c.ecs, arn);
        assert.equal(t.stopCode, "UserInitiated");
        assert.equal(t.stoppedReason, "no longer needed");
        assert.equal(t.containers?.[0].exitCode, 143);
        assert.equal(alive(pid), false);
    });

    it("StopTask without reason uses AWS's default reason", async () => {
        const arn = await runOne(c.ecs, { taskDefinition: "sleep30" });
        await waitForStatus(c.ecs, arn, "RUNNING");
        await c.ecs.send(new StopTaskCommand({ task: arn }));
        const t = await waitForStatus(c.ecs, arn);
        assert.equal(t.stoppedReason, "Task stopped by user");
    });

    it("SIGKILL follows after stopTimeout when SIGTERM is ignored (exit 137)", async () => {
        await registerSimple(c.ecs, "stubborn", {
            command: ["sh", "-c", "trap '' TERM; echo ready; while true; do sleep 0.05; done"],
            stopTimeout: 20,
            logConfiguration: awslogs("/exec"),
        });
        const arn = await runOne(c.ecs, { taskDefinition: "stubborn" });
        await waitForStatus(c.ecs, arn, "RUNNING");
        await waitFor("ready", async () => ((await logLines(c, "/exec", `app/main/${taskIdOf(arn)}`)).length > 0 ? true : undefined));
        await c.ecs.send(new StopTaskCommand({ task: arn }));
        const t = await waitForStatus(c.ecs, arn); // 20 s × 0.01 = 200 ms
        assert.equal(t.containers?.[0].exitCode, 137);
        assert.deepEqual(emulator.livePids(), []);
    });

    it("StopTask before RUNNING stops the task without a process", async () => {
        const arn = await runOne(c.ecs, { taskDefinition: "sleep30" });
        await c.ecs.send(new StopTaskCommand({ task: arn }));
        const t = await waitForStatus(c.ecs, arn);
        assert.equal(t.stopCode, "UserInitiated");
        assert.equal(t.startedAt, undefined);
        assert.equal(t.containers?.[0].exitCode, undefined);
        assert.equal(emulator.tasks().find((x) => x.taskArn === arn)?.containers[0].pid, undefined);
    });

    it("a missing image fails to start: CannotPullContainerError, TaskFailedToStart, no exit code", async () => {
        emulator.setFaults({ missingImages: ["ghcr.io/acme/missing:1.0"] });
        try {
            await registerSimple(c.ecs, "noimage", { image: "ghcr.io/acme/missing:1.0", command: ["true"] });
            const arn = await runOne(c.ecs, { taskDefinition: "noimage" });
            const t = await waitForStatus(c.ecs, arn);
            assert.equal(t.stopCode, "TaskFailedToStart");
            assert.match(t.stoppedReason ?? "", /^CannotPullContainerError: pull image manifest has been retried 5 time\(s\)/);
            assert.match(t.containers?.[0].reason ?? "", /^CannotPullContainerError: pull image manifest has been retried 5 time\(s\): /);
            assert.equal(t.containers?.[0].exitCode, undefined);
        } finally {
            emulator.resetFaults();
        }
    });

    it("a missing log group fails the task to start; awslogs-create-group creates it", async () => {
        await registerSimple(c.ecs, "nogroup", { command: ["echo", "hi"], logConfiguration: awslogs("/absent") });
        const arn = await runOne(c.ecs, { taskDefinition: "nogroup" });
        const t = await waitForStatus(c.ecs, arn);
        assert.equal(t.stopCode, "TaskFailedToStart");
        assert.match(
            t.stoppedReason ?? "",
            /^ResourceInitializationError: failed to validate logger args: .*The specified log group does not exist/,
        );

        await registerSimple(c.ecs, "mkgroup", {
            command: ["echo", "hi"],
            logConfiguration: awslogs("/created", { "awslogs-create-group": "true" }),
        });
        const ok = await runOne(c.ecs, { taskDefinition: "mkgroup" });
        const done = await waitForStatus(c.ecs, ok);
        assert.equal(done.containers?.[0].exitCode, 0);
        assert.deepEqual(await logLines(c, "/created", `app/main/${taskIdOf(ok)}`), ["hi"]);
    });

    it("a container without command fails with reason 'no command'", async () => {
        await registerSimple(c.ecs, "nocmd", {});
        const arn = await runOne(c.ecs, { taskDefinition: "nocmd" });
        const t = await waitForStatus(c.ecs, arn);
        assert.equal(t.containers?.[0].reason, "no command");
        assert.equal(t.stopCode, "TaskFailedToStart");
    });

    it("an executable that does not exist fails with CannotStartContainerError", async () => {
        await registerSimple(c.ecs, "noexe", { command: ["/definitely/not/here"] });
        const arn = await runOne(c.ecs, { taskDefinition: "noexe" });
        const t = await waitForStatus(c.ecs, arn);
        assert.equal(t.stopCode, "TaskFailedToStart");
        assert.match(t.containers?.[0].reason ?? "", /^CannotStartContainerError: .*executable file not found/);
    });

    it("a non-essential container's exit does not stop the task; the essential one's does", async () => {
        await registerSimple(
            c.ecs,
            "sidecar",
            {},
            {
                containerDefinitions: [
                    { name: "side", image: "busybox", memory: 64, essential: false, command: ["sh", "-c", "exit 5"] },
                    { name: "main", image: "busybox", memory: 64, command: ["sh", "-c", "sleep 0.3; exit 0"] },
                ],
            },
        );
        const arn = await runOne(c.ecs, { taskDefinition: "sidecar" });
        const t = await waitForStatus(c.ecs, arn);
        assert.equal(t.stopCode, "EssentialContainerExited");
        const byName = new Map(t.containers?.map((x) => [x.name, x.exitCode]));
        assert.equal(byName.get("side"), 5);
        assert.equal(byName.get("main"), 0);
    });

    it("runs many tasks at once", async () => {
        // Each task runs until the test lets them all go, so that 30 run at once however slow the machine.
        const gate = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "emulator-many-")), "go");
        await registerSimple(c.ecs, "many", {
            command: ["sh", "-c", `while [ ! -f '${gate}' ]; do sleep 0.05; done; echo done`],
            logConfiguration: awslogs("/exec"),
        });
        const arns: string[] = [];
        for (let i = 0; i < 3; i += 1) {
            const out = await Promise.all(Array.from({ length: 10 }, () => runOne(c.ecs, { taskDefinition: "many" })));
            arns.push(...out);
        }
        await waitFor("30 RUNNING at once", async () => (emulator.livePids().length >= 30 ? true : undefined), 60_000);
        fs.writeFileSync(gate, "");
        const done = await Promise.all(arns.map((a) => waitForStatus(c.ecs, a)));
        assert.ok(done.every((t) => t.containers?.[0].exitCode === 0));
    });
});
