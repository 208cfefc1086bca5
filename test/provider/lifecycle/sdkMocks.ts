/**
 * The lifecycle's ports bound to real SDK clients whose `send` is faked with `aws-sdk-client-mock`,
 * on a fake clock: the production binding (`makeAwsRunServices`, a `TaskWatcher`, the
 * registration layer, the log streamer) with no network and no real time.
 */
import assert from "node:assert/strict";
import { CloudWatchLogsClient, GetLogEventsCommand, ResourceNotFoundException } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
    ClientException,
    DeregisterTaskDefinitionCommand,
    DescribeTaskDefinitionCommand,
    type DescribeTaskDefinitionCommandInput,
    DescribeTasksCommand,
    type DescribeTasksCommandInput,
    ECSClient,
    ListTaskDefinitionFamiliesCommand,
    ListTaskDefinitionsCommand,
    ListTasksCommand,
    RegisterTaskDefinitionCommand,
    type RegisterTaskDefinitionCommandInput,
    TagResourceCommand,
    type TagResourceCommandInput,
    type Task,
    UntagResourceCommand,
    type UntagResourceCommandInput,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { describeTasks } from "../../../provider/aws/ecs";
import { checkInputs } from "../../../provider/lifecycle/checkInputs";
import type { RunPorts } from "../../../provider/lifecycle/runPorts";
import { toOutputs } from "../../../provider/lifecycle/outputs";
import { taskDefinitionsEqual } from "../../../provider/plan/equality";
import { makeAwsRunServices } from "../../../provider/run/awsRunServices";
import { TaskWatcher } from "../../../provider/run/taskWatcher";
import type { CheckedInputs, TaskRunOutputs, TaskRunResult, TaskRunSpec } from "../../../provider/types";
import { FakeClock } from "../aws/fakeClock";

export const REGION = "us-east-1";
export const ACCOUNT = "123456789012";
export const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/default`;
export const EXEC_ROLE = `arn:aws:iam::${ACCOUNT}:role/exec`;
/** The resource every test runs (family `shop-dev-migrate`). */
export const CONTEXT = { project: "shop", stack: "dev", name: "migrate" };
export const FAMILY = "shop-dev-migrate";
/** 1 Jan 2024, 00:00 UTC: the fake clock's start. */
export const T0 = Date.UTC(2024, 0, 1);

const credentials = { accessKeyId: "AKID", secretAccessKey: "SECRET" };
const meta = { $metadata: { httpStatusCode: 400 } };

/** The ARN of a task of the default cluster. */
export function taskArn(id: string, cluster = "default"): string {
    return `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${cluster}/${id}`;
}

/** The ARN of a revision of a task definition. */
export function tdArn(family: string, revision: number): string {
    return `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;
}

/** A described task of the default cluster. */
export function task(id: string, lastStatus: string, extra: Partial<Task> = {}): Task {
    return {
        taskArn: taskArn(id),
        clusterArn: CLUSTER_ARN,
        taskDefinitionArn: tdArn(FAMILY, 1),
        lastStatus,
        desiredStatus: lastStatus === "STOPPED" ? "STOPPED" : "RUNNING",
        containers: [{ name: "main", lastStatus }],
        ...extra,
    };
}

/** The checked inputs of a spec for {@link CONTEXT} in {@link REGION}; fails on validation failures. */
export async function checked(spec: TaskRunSpec): Promise<CheckedInputs> {
    const out = await checkInputs({ region: REGION, ...spec, __context: { ...CONTEXT } });
    assert.deepEqual(out.failures ?? [], []);
    return out.inputs as CheckedInputs;
}

/** The `ecs-task-run:inputs-hash` tag of checked inputs (the plan's request carries the run's). */
export function hashTagOf(inputs: CheckedInputs): { key: string; value: string } {
    const tags = inputs.plan.runTaskRequest.tags as { key: string; value: string }[];
    const tag = tags.find((t) => t.key === "ecs-task-run:inputs-hash");
    assert.ok(tag, "the plan carries the inputs hash tag");
    return tag;
}

/** Real SDK clients with faked `send`, the services and the ports of a run. */
export function harness() {
    const config = { region: REGION, credentials };
    const clients = { ecs: new ECSClient(config), ec2: new EC2Client(config), logs: new CloudWatchLogsClient(config) };
    const ecs = mockClient(clients.ecs);
    const ec2 = mockClient(clients.ec2);
    const logs = mockClient(clients.logs);
    const clock = new FakeClock(T0);
    const lines: string[] = [];
    const watcher = new TaskWatcher({ describeTasks: (cluster, arns) => describeTasks(clients.ecs, cluster, arns), clock });
    // The services' diagnostics are prefixed as production prefixes them with the resource's name.
    const services = makeAwsRunServices({
        region: REGION,
        equal: taskDefinitionsEqual,
        clients,
        clock,
        watcher,
        log: (l) => lines.push(`[services] ${l}`),
    });
    const ports: RunPorts = { ...services, region: REGION, clock, log: (l) => lines.push(l) };
    // Defaults of a quiet account: no task of the resource, no log stream yet; tagging works.
    ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    ecs.on(ListTaskDefinitionFamiliesCommand).resolves({ families: [] });
    ecs.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [] });
    ecs.on(TagResourceCommand).resolves({});
    ecs.on(UntagResourceCommand).resolves({});
    logs.on(GetLogEventsCommand).rejects(new ResourceNotFoundException({ message: "The specified log stream does not exist.", ...meta }));
    return { clients, ecs, ec2, logs, clock, lines, watcher, ports };
}

export type Harness = ReturnType<typeof harness>;

/** The default VPC `vpc-def` with subnets `subnet-a`, `subnet-b` (over two DescribeSubnets pages). */
export function defaultVpc(h: Harness): void {
    h.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: "vpc-def", IsDefault: true }] });
    h.ec2
        .on(DescribeSubnetsCommand)
        .resolvesOnce({ Subnets: [{ SubnetId: "subnet-a" }], NextToken: "page2" })
        .resolves({ Subnets: [{ SubnetId: "subnet-b" }] });
}

/**
 * The family has no revision yet; RegisterTaskDefinition answers revision 1 (then 2...) of what was
 * sent, and the revisions registered keep their tags: DescribeTaskDefinition of a registered ARN
 * answers them (with `include: ["TAGS"]`), TagResource and UntagResource change them,
 * DeregisterTaskDefinition makes a revision INACTIVE. Returns the registry.
 */
export function freshFamily(h: Harness): { arn: string; status: string; tags: Record<string, string> }[] {
    const registry: { arn: string; status: string; tags: Record<string, string>; definition: object }[] = [];
    const notFound = () => new ClientException({ message: "Unable to describe task definition.", ...meta });
    h.ecs.on(DescribeTaskDefinitionCommand).callsFake((input: DescribeTaskDefinitionCommandInput) => {
        const found = registry.find((r) => r.arn === input.taskDefinition);
        if (!found) throw notFound();
        return {
            taskDefinition: { ...found.definition, status: found.status },
            ...(input.include?.includes("TAGS") ? { tags: Object.entries(found.tags).map(([key, value]) => ({ key, value })) } : {}),
        };
    });
    h.ecs.on(RegisterTaskDefinitionCommand).callsFake((input: RegisterTaskDefinitionCommandInput) => {
        const revision = registry.length + 1;
        const arn = tdArn(input.family ?? "?", revision);
        const { tags, ...rest } = input;
        const definition = { ...rest, taskDefinitionArn: arn, revision, status: "ACTIVE" };
        registry.push({ arn, status: "ACTIVE", tags: Object.fromEntries((tags ?? []).map((t) => [t.key, t.value])), definition });
        return { taskDefinition: definition };
    });
    h.ecs.on(TagResourceCommand).callsFake((input: TagResourceCommandInput) => {
        const found = registry.find((r) => r.arn === input.resourceArn);
        if (found) for (const t of input.tags ?? []) found.tags[t.key ?? ""] = t.value ?? "";
        return {};
    });
    h.ecs.on(UntagResourceCommand).callsFake((input: UntagResourceCommandInput) => {
        const found = registry.find((r) => r.arn === input.resourceArn);
        if (found) for (const k of input.tagKeys ?? []) delete found.tags[k];
        return {};
    });
    h.ecs.on(DeregisterTaskDefinitionCommand).callsFake((input: { taskDefinition?: string }) => {
        const found = registry.find((r) => r.arn === input.taskDefinition);
        if (found) found.status = "INACTIVE";
        return { taskDefinition: { taskDefinitionArn: input.taskDefinition, status: "INACTIVE" } };
    });
    return registry;
}

/**
 * DescribeTasks answers: the watcher's calls (without `include`) get the next description of
 * `watched` (the last one repeats); the lookups of the attach and adopt checks (with
 * `include: ["TAGS"]`) get the `tagged` tasks they name. Returns the descriptions the watcher got.
 */
export function describeScript(h: Harness, script: { watched: Task[]; tagged?: Task[] }): Task[] {
    const given: Task[] = [];
    const queue = [...script.watched];
    h.ecs.on(DescribeTasksCommand).callsFake((input: DescribeTasksCommandInput) => {
        if (input.include?.includes("TAGS")) {
            return { tasks: (script.tagged ?? []).filter((t) => input.tasks?.includes(t.taskArn ?? "")), failures: [] };
        }
        const next = queue.length > 1 ? queue.shift()! : queue[0];
        given.push(next);
        return { tasks: [next], failures: [] };
    });
    return given;
}

/** The commands of the sweep for expired uses, which create and delete run beside their own work. */
export const SWEEP_COMMANDS = ["ListTaskDefinitionFamilies", "ListTaskDefinitions"];

/**
 * The names of the SDK commands sent to a mocked client, in order, without the sweep's listing
 * calls ({@link SWEEP_COMMANDS}: tested on their own) unless `withSweep`.
 */
export function commandNames(mock: { calls(): { args: unknown[] }[] }, withSweep = false): string[] {
    return mock
        .calls()
        .map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, ""))
        .filter((name) => withSweep || !SWEEP_COMMANDS.includes(name));
}

/** How often (ms) a create renews its use's lease: a third of the default 900 s. */
export const LEASE_RENEWAL_MS = 300_000;

/** The clock's sleeps other than the lease renewal's turns (backoffs, polls). */
export function sleepsBesideLease(h: Harness): number[] {
    return h.clock.sleeps.filter((ms) => ms !== LEASE_RENEWAL_MS);
}

/** A rejection as a value (fails when the promise resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
    return p.then(
        () => assert.fail("expected a rejection"),
        (e: unknown) => {
            assert.ok(e instanceof Error, `an Error, not ${String(e)}`);
            return e;
        },
    );
}

/** The state a run recorded: the checked inputs plus a result (defaults: a task that ran and stopped with 0). */
export function stateOf(inputs: CheckedInputs, result: Partial<TaskRunResult> = {}): TaskRunOutputs {
    return toOutputs(inputs, {
        taskArn: taskArn("t1"),
        clusterArn: CLUSTER_ARN,
        taskDefinitionArn: tdArn(FAMILY, 1),
        taskDefinitionRegistered: true,
        lastStatus: "STOPPED",
        exitCode: 0,
        stopCode: "EssentialContainerExited",
        stoppedReason: "Essential container in task exited",
        startedAt: "2024-01-01T00:00:01.000Z",
        stoppedAt: "2024-01-01T00:00:09.000Z",
        logGroupName: null,
        logStreamName: null,
        logTail: [],
        containers: [{ name: "main", lastStatus: "STOPPED", exitCode: 0, reason: null }],
        preparedTaskDefinition: null,
        runTaskRequest: inputs.plan.runTaskRequest,
        attempts: [
            {
                attempt: 1,
                taskArn: result.taskArn ?? taskArn("t1"),
                stopCode: "EssentialContainerExited",
                stoppedReason: "Essential container in task exited",
                exitCode: 0,
                startedAt: "2024-01-01T00:00:01.000Z",
                stoppedAt: "2024-01-01T00:00:09.000Z",
            },
        ],
        ...result,
    });
}
