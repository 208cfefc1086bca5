import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../../provider/plan/constants";
import { planRun, type PlanContext } from "../../../provider/plan/planRun";
import type { PlannedRun, TaskDefinition, TaskRunSpec } from "../../../provider/types";
import { CTX, FAMILY, STARTED_BY, hashTag, inputs } from "./fixtures";

const REGISTERED = "<registered at run time>";
const RUN_TIME_REGION = "<region at run time>";
const DEFAULT_VPC_SUBNETS = "<loaded from the default VPC at run time>";
const EXEC = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";
const VPC = "vpc-01abcdf123456789a";
const HELLO = ["echo", "hello world"];
const IMAGE = "alpine:latest";

/** What `create` knows once it has registered the definition and found the subnets. */
const CREATE: PlanContext = {
    region: "us-east-1",
    taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${FAMILY}:1`,
    subnets: ["subnet-a", "subnet-b"],
};

function plan(spec: TaskRunSpec, ctx: PlanContext = {}): PlannedRun {
    return planRun(inputs(spec), ctx);
}

/** The definition every Fargate example registers. */
function fargateDefinition(extra: Partial<TaskDefinition> = {}, image = IMAGE): TaskDefinition {
    return {
        family: FAMILY,
        containerDefinitions: [{ name: "main", image }],
        cpu: "1024",
        memory: "2048",
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        ...extra,
    };
}

describe("plan/planRun: the reference's examples", () => {
    it("runs a task using ECS Fargate (preview)", () => {
        const spec: TaskRunSpec = { command: HELLO, image: IMAGE };
        assert.deepStrictEqual(plan(spec), {
            region: RUN_TIME_REGION,
            taskDefinition: fargateDefinition(),
            needsRegistration: true,
            runTaskRequest: {
                taskDefinition: REGISTERED,
                launchType: "FARGATE",
                networkConfiguration: {
                    awsvpcConfiguration: { subnets: DEFAULT_VPC_SUBNETS, assignPublicIp: "ENABLED", securityGroups: [] },
                },
                overrides: { containerOverrides: [{ name: "main", command: HELLO }] },
                startedBy: STARTED_BY,
                tags: [hashTag(spec)],
                count: 1,
            },
            containerName: "main",
        });
    });

    it("runs a task using ECS Fargate (create: registered ARN, region, subnets)", () => {
        const spec: TaskRunSpec = { command: HELLO, image: IMAGE };
        assert.deepStrictEqual(plan(spec, CREATE), {
            region: "us-east-1",
            taskDefinition: fargateDefinition(),
            needsRegistration: true,
            runTaskRequest: {
                taskDefinition: CREATE.taskDefinitionArn,
                launchType: "FARGATE",
                networkConfiguration: {
                    awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"], assignPublicIp: "ENABLED", securityGroups: [] },
                },
                overrides: { containerOverrides: [{ name: "main", command: HELLO }] },
                startedBy: STARTED_BY,
                tags: [hashTag(spec)],
                count: 1,
            },
            containerName: "main",
        });
    });

    it("runs a task using ECS Fargate with a spot container instance", () => {
        const spec: TaskRunSpec = { command: HELLO, image: IMAGE, launchType: "FARGATE_SPOT" };
        assert.deepStrictEqual(plan(spec), {
            region: RUN_TIME_REGION,
            taskDefinition: fargateDefinition(),
            needsRegistration: true,
            runTaskRequest: {
                taskDefinition: REGISTERED,
                capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
                networkConfiguration: {
                    awsvpcConfiguration: { subnets: DEFAULT_VPC_SUBNETS, assignPublicIp: "ENABLED", securityGroups: [] },
                },
                overrides: { containerOverrides: [{ name: "main", command: HELLO }] },
                startedBy: STARTED_BY,
                tags: [hashTag(spec)],
                count: 1,
            },
            containerName: "main",
        });
    });

    it("runs a task using ECS with an EC2 container instance", () => {
        const spec: TaskRunSpec = { command: HELLO, image: IMAGE, launchType: "EC2" };
        assert.deepStrictEqual(plan(spec, CREATE), {
            region: "us-east-1",
            taskDefinition: { family: FAMILY, containerDefinitions: [{ name: "main", image: IMAGE, cpu: 1024, memory: 2048 }] },
            needsRegistration: true,
            runTaskRequest: {
                taskDefinition: CREATE.taskDefinitionArn,
                launchType: "EC2",
                overrides: { containerOverrides: [{ name: "main", command: HELLO }] },
                startedBy: STARTED_BY,
                tags: [hashTag(spec)],
                count: 1,
            },
            containerName: "main",
        });
    });

    it("runs a task on a specific VPC using ECS Fargate", () => {
        const spec: TaskRunSpec = { command: HELLO, image: IMAGE, vpcId: VPC };
        assert.deepStrictEqual(plan(spec), {
            region: RUN_TIME_REGION,
            taskDefinition: fargateDefinition(),
            needsRegistration: true,
            runTaskRequest: {
                taskDefinition: REGISTERED,
                launchType: "FARGATE",
                networkConfiguration: {
                    awsvpcConfiguration: { subnets: `<loaded from ${VPC} at run time>`, assignPublicIp: "ENABLED", securityGroups: [] },
                },
                overrides: { containerOverrides: [{ name: "main", command: HELLO }] },
                startedBy: STARTED_BY,
                tags: [hashTag(spec)],
                count: 1,
            },
            containerName: "main",
        });
    });

    it("runs a task and streams the container's output (execution role given)", () => {
        const spec: TaskRunSpec = { command: HELLO, image: IMAGE, streamOutput: true, executionRoleArn: EXEC };
        const logConfiguration = (region: string) => ({
            logDriver: "awslogs",
            options: {
                "awslogs-create-group": "true",
                "awslogs-group": "ecs-task-run",
                "awslogs-region": region,
                "awslogs-stream-prefix": FAMILY,
            },
        });
        const request = (taskDefinition: string, subnets: string | string[]) => ({
            taskDefinition,
            launchType: "FARGATE",
            networkConfiguration: { awsvpcConfiguration: { subnets, assignPublicIp: "ENABLED", securityGroups: [] } },
            overrides: { containerOverrides: [{ name: "main", command: HELLO }], executionRoleArn: EXEC },
            startedBy: STARTED_BY,
            tags: [hashTag(spec)],
            count: 1,
        });
        assert.deepStrictEqual(plan(spec), {
            region: RUN_TIME_REGION,
            taskDefinition: {
                ...fargateDefinition(),
                containerDefinitions: [{ name: "main", image: IMAGE, logConfiguration: logConfiguration(RUN_TIME_REGION) }],
                executionRoleArn: EXEC,
            },
            needsRegistration: true,
            runTaskRequest: request(REGISTERED, DEFAULT_VPC_SUBNETS),
            containerName: "main",
        });
        assert.deepStrictEqual(plan(spec, CREATE), {
            region: "us-east-1",
            taskDefinition: {
                ...fargateDefinition(),
                containerDefinitions: [{ name: "main", image: IMAGE, logConfiguration: logConfiguration("us-east-1") }],
                executionRoleArn: EXEC,
            },
            needsRegistration: true,
            runTaskRequest: request(CREATE.taskDefinitionArn!, ["subnet-a", "subnet-b"]),
            containerName: "main",
        });
    });

    describe("runs a task using an existing task definition as a base", () => {
        const ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/app:3";
        const spec: TaskRunSpec = { command: HELLO, taskDefinitionArn: ARN };
        /** The definition as DescribeTaskDefinition returns it. */
        const described: TaskDefinition = {
            taskDefinitionArn: ARN,
            family: "app",
            revision: 3,
            status: "ACTIVE",
            compatibilities: ["EC2", "FARGATE"],
            requiresCompatibilities: ["FARGATE"],
            requiresAttributes: [{ name: "ecs.capability.task-eni" }],
            registeredAt: "2024-05-01T10:00:00.000Z",
            registeredBy: "arn:aws:iam::123456789012:user/deployer",
            networkMode: "awsvpc",
            cpu: "1024",
            memory: "2048",
            volumes: [],
            placementConstraints: [],
            containerDefinitions: [{ name: "app", image: "app:1", cpu: 0, essential: true, environment: [], portMappings: [] }],
        };
        /** Its registration request. */
        const request: TaskDefinition = {
            family: "app",
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: "1024",
            memory: "2048",
            volumes: [],
            placementConstraints: [],
            containerDefinitions: [{ name: "app", image: "app:1", cpu: 0, essential: true, environment: [], portMappings: [] }],
        };

        it("previews without the definition (not described yet)", () => {
            assert.deepStrictEqual(plan(spec), {
                region: RUN_TIME_REGION,
                taskDefinition: null,
                needsRegistration: false,
                runTaskRequest: {
                    taskDefinition: ARN,
                    launchType: "FARGATE",
                    networkConfiguration: {
                        awsvpcConfiguration: { subnets: DEFAULT_VPC_SUBNETS, assignPublicIp: "ENABLED", securityGroups: [] },
                    },
                    overrides: { containerOverrides: [{ name: "<the task definition's only container>", command: HELLO }] },
                    startedBy: STARTED_BY,
                    tags: [hashTag(spec)],
                    count: 1,
                },
                containerName: "<the task definition's only container>",
            });
            assert.equal(plan({ ...spec, containerName: "app" }).containerName, "app");
        });

        it("runs the described revision as it is when nothing changes it", () => {
            assert.deepStrictEqual(plan(spec, { region: "us-east-1", baseTaskDefinition: described, subnets: ["subnet-a"] }), {
                region: "us-east-1",
                taskDefinition: request,
                needsRegistration: false,
                runTaskRequest: {
                    taskDefinition: ARN,
                    launchType: "FARGATE",
                    networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-a"], assignPublicIp: "ENABLED", securityGroups: [] } },
                    overrides: { containerOverrides: [{ name: "app", command: HELLO }] },
                    startedBy: STARTED_BY,
                    tags: [hashTag(spec)],
                    count: 1,
                },
                containerName: "app",
            });
        });

        it("registers a new revision when the inputs change it", () => {
            const changed: TaskRunSpec = { ...spec, image: "app:2" };
            const draft = plan(changed, { region: "us-east-1", baseTaskDefinition: described });
            assert.deepStrictEqual(
                [draft.needsRegistration, draft.taskDefinition, draft.runTaskRequest.taskDefinition],
                [true, { ...request, containerDefinitions: [{ ...request.containerDefinitions![0], image: "app:2" }] }, REGISTERED],
            );
            const final = plan(changed, { region: "us-east-1", baseTaskDefinition: described, taskDefinitionArn: `${ARN.slice(0, -1)}4` });
            assert.equal(final.runTaskRequest.taskDefinition, `${ARN.slice(0, -1)}4`);
        });

        it("sends executionRoleArn as a RunTask override, with no new revision", () => {
            const run = plan(
                { ...spec, executionRoleArn: EXEC },
                { region: "us-east-1", baseTaskDefinition: described, subnets: ["subnet-a"] },
            );
            assert.deepStrictEqual(
                [run.needsRegistration, run.taskDefinition, run.runTaskRequest.taskDefinition, run.runTaskRequest.overrides],
                [false, request, ARN, { containerOverrides: [{ name: "app", command: HELLO }], executionRoleArn: EXEC }],
            );
        });

        it("writes executionRoleArn into a revision registered for another reason (secrets)", () => {
            const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
            const run = plan(
                { ...spec, executionRoleArn: EXEC, secrets: { DB: SECRET } },
                { region: "us-east-1", baseTaskDefinition: described },
            );
            assert.deepStrictEqual(
                [run.needsRegistration, run.taskDefinition, run.runTaskRequest.overrides],
                [
                    true,
                    {
                        ...request,
                        containerDefinitions: [{ ...request.containerDefinitions![0], secrets: [{ name: "DB", valueFrom: SECRET }] }],
                        executionRoleArn: EXEC,
                    },
                    { containerOverrides: [{ name: "app", command: HELLO }], executionRoleArn: EXEC },
                ],
            );
        });

        it("refuses a described definition with several containers and no containerName, before RunTask", () => {
            const sidecar = {
                ...described,
                containerDefinitions: [{ name: "log-router", image: "fluent-bit" }, ...described.containerDefinitions!],
            };
            assert.throws(() => plan(spec, { region: "us-east-1", baseTaskDefinition: sidecar }), {
                message:
                    `Task definition ${ARN} has 2 containers (log-router, app) and no \`containerName\` says which one runs the command: ` +
                    "set `containerName` to one of them (the others run beside it as sidecars).",
            });
            const chosen = plan({ ...spec, containerName: "app" }, { region: "us-east-1", baseTaskDefinition: sidecar });
            assert.deepStrictEqual([chosen.containerName, chosen.needsRegistration], ["app", false]);
        });

        it("runs an EC2 base without a network configuration", () => {
            const ec2: TaskDefinition = {
                taskDefinitionArn: ARN,
                family: "app",
                containerDefinitions: [{ name: "app", image: "a", cpu: 256, memory: 512 }],
            };
            const run = plan({ ...spec, launchType: "EC2" }, { region: "us-east-1", baseTaskDefinition: ec2 });
            assert.deepStrictEqual(
                [run.needsRegistration, run.runTaskRequest.taskDefinition, "networkConfiguration" in run.runTaskRequest],
                [false, ARN, false],
            );
        });
    });

    it("runs a task with a specific image", () => {
        const spec: TaskRunSpec = { command: HELLO, image: "alpine:3.20" };
        assert.deepStrictEqual(plan(spec).taskDefinition, fargateDefinition({}, "alpine:3.20"));
    });

    it("runs a task with custom memory and CPU requirements", () => {
        const spec: TaskRunSpec = { command: HELLO, image: IMAGE, memory: 4096, cpu: 2048 };
        assert.deepStrictEqual(plan(spec, CREATE), {
            region: "us-east-1",
            taskDefinition: fargateDefinition({ cpu: "2048", memory: "4096" }),
            needsRegistration: true,
            runTaskRequest: {
                taskDefinition: CREATE.taskDefinitionArn,
                launchType: "FARGATE",
                networkConfiguration: {
                    awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"], assignPublicIp: "ENABLED", securityGroups: [] },
                },
                overrides: { containerOverrides: [{ name: "main", command: HELLO, cpu: 2048, memory: 4096 }], cpu: "2048", memory: "4096" },
                startedBy: STARTED_BY,
                tags: [hashTag(spec)],
                count: 1,
            },
            containerName: "main",
        });
    });

    it("runs a task with custom environment variables", () => {
        const spec: TaskRunSpec = { command: ["echo", "hello $PLANET"], image: IMAGE, env: { PLANET: "earth" } };
        assert.deepStrictEqual(plan(spec).runTaskRequest.overrides, {
            containerOverrides: [{ name: "main", command: ["echo", "hello $PLANET"], environment: [{ name: "PLANET", value: "earth" }] }],
        });
        assert.deepStrictEqual(plan(spec).taskDefinition, fargateDefinition());
    });

    it("runs a task in a specific ECS cluster", () => {
        const spec: TaskRunSpec = { command: HELLO, image: IMAGE, cluster: "my-cluster-name" };
        assert.deepStrictEqual(plan(spec).runTaskRequest, {
            taskDefinition: REGISTERED,
            cluster: "my-cluster-name",
            launchType: "FARGATE",
            networkConfiguration: { awsvpcConfiguration: { subnets: DEFAULT_VPC_SUBNETS, assignPublicIp: "ENABLED", securityGroups: [] } },
            overrides: { containerOverrides: [{ name: "main", command: HELLO }] },
            startedBy: STARTED_BY,
            tags: [hashTag(spec)],
            count: 1,
        });
    });

    it("runs a task with custom VPC subnets (customization)", () => {
        const spec: TaskRunSpec = {
            command: HELLO,
            image: IMAGE,
            taskCustomizations: [
                { op: "add", path: "/networkConfiguration/awsvpcConfiguration/subnets", value: ["subnet-80b6fbcd", "subnet-42a6fdgd"] },
            ],
        };
        const expected = {
            region: RUN_TIME_REGION,
            taskDefinition: fargateDefinition(),
            needsRegistration: true,
            runTaskRequest: {
                taskDefinition: REGISTERED,
                launchType: "FARGATE",
                networkConfiguration: {
                    awsvpcConfiguration: { subnets: ["subnet-80b6fbcd", "subnet-42a6fdgd"], assignPublicIp: "ENABLED", securityGroups: [] },
                },
                overrides: { containerOverrides: [{ name: "main", command: HELLO }] },
                startedBy: STARTED_BY,
                tags: [hashTag(spec)],
                count: 1,
            },
            containerName: "main",
        };
        assert.deepStrictEqual(plan(spec), expected);
        // `create` looks no VPC up for it (vpcLookup is null) and plans without subnets: the same request.
        assert.deepStrictEqual(plan(spec, { region: "us-east-1", taskDefinitionArn: "arn:td:1" }).runTaskRequest, {
            ...expected.runTaskRequest,
            taskDefinition: "arn:td:1",
        });
    });

    it("runs a task without a public IP assigned (customization)", () => {
        const spec: TaskRunSpec = {
            command: HELLO,
            image: IMAGE,
            vpcId: VPC,
            taskCustomizations: [{ op: "replace", path: "/networkConfiguration/awsvpcConfiguration/assignPublicIp", value: "DISABLED" }],
        };
        assert.deepStrictEqual(plan(spec, CREATE).runTaskRequest, {
            taskDefinition: CREATE.taskDefinitionArn,
            launchType: "FARGATE",
            networkConfiguration: {
                awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"], assignPublicIp: "DISABLED", securityGroups: [] },
            },
            overrides: { containerOverrides: [{ name: "main", command: HELLO }] },
            startedBy: STARTED_BY,
            tags: [hashTag(spec)],
            count: 1,
        });
    });

    it("runs a task with custom VPC security groups (customization)", () => {
        const spec: TaskRunSpec = {
            command: HELLO,
            image: IMAGE,
            vpcId: VPC,
            taskCustomizations: [
                { op: "add", path: "/networkConfiguration/awsvpcConfiguration/securityGroups", value: ["sg-d72e9599956a084f5"] },
            ],
        };
        assert.deepStrictEqual(plan(spec).runTaskRequest.networkConfiguration, {
            awsvpcConfiguration: {
                subnets: `<loaded from ${VPC} at run time>`,
                assignPublicIp: "ENABLED",
                securityGroups: ["sg-d72e9599956a084f5"],
            },
        });
    });
});

describe("plan/planRun: Prefect parity", () => {
    it("runs on the cluster's default capacity provider strategy: no launch type, no strategy, no default sizes", () => {
        const spec: TaskRunSpec = { command: HELLO, image: IMAGE, launchType: "CLUSTER_DEFAULT", memory: 512 };
        assert.deepStrictEqual(plan(spec), {
            region: RUN_TIME_REGION,
            taskDefinition: { family: FAMILY, containerDefinitions: [{ name: "main", image: IMAGE }], memory: "512" },
            needsRegistration: true,
            runTaskRequest: {
                taskDefinition: REGISTERED,
                overrides: { containerOverrides: [{ name: "main", command: HELLO, memory: 512 }], memory: "512" },
                startedBy: STARTED_BY,
                tags: [hashTag(spec)],
                count: 1,
            },
            containerName: "main",
        });
    });

    it("plans secrets into the run's container definition (not the overrides), shown in preview", () => {
        const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::";
        const spec: TaskRunSpec = {
            command: HELLO,
            image: IMAGE,
            executionRoleArn: EXEC,
            env: { MODE: "x" },
            secrets: { DB_PASSWORD: SECRET, API_KEY: "/shop/api-key" },
        };
        assert.deepStrictEqual(plan(spec), {
            region: RUN_TIME_REGION,
            taskDefinition: fargateDefinition({
                containerDefinitions: [
                    {
                        name: "main",
                        image: IMAGE,
                        secrets: [
                            { name: "API_KEY", valueFrom: "/shop/api-key" },
                            { name: "DB_PASSWORD", valueFrom: SECRET },
                        ],
                    },
                ],
                executionRoleArn: EXEC,
            }),
            needsRegistration: true,
            runTaskRequest: {
                taskDefinition: REGISTERED,
                launchType: "FARGATE",
                networkConfiguration: {
                    awsvpcConfiguration: { subnets: DEFAULT_VPC_SUBNETS, assignPublicIp: "ENABLED", securityGroups: [] },
                },
                overrides: {
                    containerOverrides: [{ name: "main", command: HELLO, environment: [{ name: "MODE", value: "x" }] }],
                    executionRoleArn: EXEC,
                },
                startedBy: STARTED_BY,
                tags: [hashTag(spec)],
                count: 1,
            },
            containerName: "main",
        });
    });

    it("lets a customization append to the security groups, as Prefect's does", () => {
        const run = plan(
            {
                image: IMAGE,
                taskCustomizations: [{ op: "add", path: "/networkConfiguration/awsvpcConfiguration/securityGroups/-", value: "sg-1" }],
            },
            CREATE,
        );
        assert.deepStrictEqual(run.runTaskRequest.networkConfiguration, {
            awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"], assignPublicIp: "ENABLED", securityGroups: ["sg-1"] },
        });
    });

    it("runs the container named in containerName among sidecars, whatever their order", () => {
        const taskDefinition: TaskDefinition = {
            containerDefinitions: [
                { name: "log-router", image: "fluent-bit", essential: true },
                { name: "app", image: "app:1" },
            ],
        };
        const run = plan({ taskDefinition, containerName: "app", image: "app:2", command: HELLO });
        assert.deepStrictEqual(
            [run.containerName, run.taskDefinition?.containerDefinitions, run.runTaskRequest.overrides],
            [
                "app",
                [
                    { name: "log-router", image: "fluent-bit", essential: true },
                    { name: "app", image: "app:2" },
                ],
                { containerOverrides: [{ name: "app", command: HELLO }] },
            ],
        );
    });
});

describe("plan/planRun: rules", () => {
    it("takes the region from the input first, then the context", () => {
        assert.equal(plan({ image: IMAGE, region: "eu-west-1" }, { region: "us-east-1" }).region, "eu-west-1");
        assert.equal(plan({ image: IMAGE }, { region: "us-east-1" }).region, "us-east-1");
    });

    it("plans an inline definition, keeping its other containers", () => {
        const taskDefinition: TaskDefinition = {
            family: "Batch Jobs",
            containerDefinitions: [
                { name: "app", image: "app:1" },
                { name: "proxy", image: "envoy", essential: false },
            ],
        };
        const run = plan({ taskDefinition, containerName: "app", command: ["migrate"] });
        assert.deepStrictEqual(
            [run.taskDefinition, run.containerName, run.needsRegistration],
            [
                {
                    family: "Batch-Jobs",
                    containerDefinitions: [
                        { name: "app", image: "app:1" },
                        { name: "proxy", image: "envoy", essential: false },
                    ],
                    cpu: "1024",
                    memory: "2048",
                    requiresCompatibilities: ["FARGATE"],
                    networkMode: "awsvpc",
                },
                "app",
                true,
            ],
        );
    });

    it("gives given subnets and security groups without a lookup placeholder", () => {
        const run = plan({
            image: IMAGE,
            networkConfiguration: { subnets: ["subnet-1"], securityGroups: ["sg-1"], assignPublicIp: "DISABLED" },
        });
        assert.deepStrictEqual(run.runTaskRequest.networkConfiguration, {
            awsvpcConfiguration: { subnets: ["subnet-1"], assignPublicIp: "DISABLED", securityGroups: ["sg-1"] },
        });
    });

    it("uses a one-item placeholder list when a customization works on items of the subnet list", () => {
        const run = plan({
            image: IMAGE,
            taskCustomizations: [{ op: "add", path: "/networkConfiguration/awsvpcConfiguration/subnets/-", value: "subnet-extra" }],
        });
        assert.deepStrictEqual(run.runTaskRequest.networkConfiguration, {
            awsvpcConfiguration: { subnets: [DEFAULT_VPC_SUBNETS, "subnet-extra"], assignPublicIp: "ENABLED", securityGroups: [] },
        });
    });

    it("plans values Pulumi does not know yet (preview) without failing", () => {
        const unknownDefinition = plan({ command: ["x"], taskDefinition: UNKNOWN_VALUE } as unknown as TaskRunSpec);
        assert.deepStrictEqual(
            [
                unknownDefinition.taskDefinition,
                unknownDefinition.needsRegistration,
                unknownDefinition.containerName,
                unknownDefinition.runTaskRequest.taskDefinition,
            ],
            [null, true, "<the task definition's only container>", REGISTERED],
        );
        const spec = {
            image: UNKNOWN_VALUE,
            command: UNKNOWN_VALUE,
            env: UNKNOWN_VALUE,
            tags: UNKNOWN_VALUE,
            cpu: UNKNOWN_VALUE,
            streamOutput: UNKNOWN_VALUE,
            taskCustomizations: UNKNOWN_VALUE,
            networkConfiguration: { subnets: UNKNOWN_VALUE, securityGroups: UNKNOWN_VALUE },
        } as unknown as TaskRunSpec;
        const run = plan(spec);
        assert.deepStrictEqual(run.taskDefinition, fargateDefinition({}, UNKNOWN_VALUE));
        assert.deepStrictEqual(run.runTaskRequest, {
            taskDefinition: REGISTERED,
            launchType: "FARGATE",
            networkConfiguration: { awsvpcConfiguration: { subnets: UNKNOWN_VALUE, assignPublicIp: "ENABLED", securityGroups: [] } },
            overrides: { containerOverrides: [{ name: "main" }] },
            startedBy: STARTED_BY,
            tags: [hashTag(spec)],
            count: 1,
        });
        const unknownContainer = plan({
            taskDefinition: { containerDefinitions: [UNKNOWN_VALUE, { name: "app", image: "a" }] },
        } as unknown as TaskRunSpec);
        assert.equal(unknownContainer.containerName, "app");
    });

    it("is deterministic and does not mutate its inputs", () => {
        const given = inputs({ image: IMAGE, env: { A: "1" }, taskDefinition: { containerDefinitions: [{ name: "main" }] } });
        const copy = structuredClone(given);
        assert.deepStrictEqual(planRun(given, {}), planRun(given, {}));
        assert.deepStrictEqual(given, copy);
        assert.equal(given.__context, CTX);
    });
});
