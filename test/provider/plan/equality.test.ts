import assert from "node:assert/strict";
import { registrationRequest, taskDefinitionsEqual } from "../../../provider/plan/equality";
import { prepareTaskDefinition } from "../../../provider/plan/taskDefinition";
import type { ContainerDefinition, TaskDefinition } from "../../../provider/types";
import { CTX, settingsOf } from "./fixtures";

/** What RegisterTaskDefinition was given. */
const registered: TaskDefinition = {
    family: "MyApp",
    containerDefinitions: [
        {
            name: "main",
            image: "alpine:3",
            logConfiguration: {
                logDriver: "awslogs",
                options: {
                    "awslogs-create-group": "true",
                    "awslogs-group": "ecs-task-run",
                    "awslogs-region": "us-east-1",
                    "awslogs-stream-prefix": "MyApp",
                },
            },
        },
    ],
    cpu: "1024",
    memory: "2048",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    executionRoleArn: "arn:aws:iam::123456789012:role/exec",
};

/** What DescribeTaskDefinition returns for it: AWS's defaults and post-registration fields added. */
const described: TaskDefinition = {
    taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/MyApp:7",
    containerDefinitions: [
        {
            name: "main",
            image: "alpine:3",
            cpu: 0,
            portMappings: [],
            essential: true,
            environment: [],
            mountPoints: [],
            volumesFrom: [],
            systemControls: [],
            logConfiguration: {
                logDriver: "awslogs",
                options: {
                    "awslogs-create-group": "true",
                    "awslogs-group": "ecs-task-run",
                    "awslogs-region": "us-east-1",
                    "awslogs-stream-prefix": "MyApp",
                },
                secretOptions: [],
            },
        },
    ],
    family: "MyApp",
    executionRoleArn: "arn:aws:iam::123456789012:role/exec",
    networkMode: "awsvpc",
    revision: 7,
    volumes: [],
    status: "ACTIVE",
    requiresAttributes: [{ name: "com.amazonaws.ecs.capability.logging-driver.awslogs" }, { name: "ecs.capability.task-eni" }],
    placementConstraints: [],
    compatibilities: ["EC2", "FARGATE"],
    requiresCompatibilities: ["FARGATE"],
    cpu: "1024",
    memory: "2048",
    registeredAt: "2024-05-01T10:00:00.000Z",
    registeredBy: "arn:aws:iam::123456789012:user/deployer",
};

describe("plan/equality", () => {
    describe("taskDefinitionsEqual", () => {
        it("handles missing definitions like the reference", () => {
            assert.equal(taskDefinitionsEqual(null, null), true);
            assert.equal(taskDefinitionsEqual(undefined, null), true);
            assert.equal(taskDefinitionsEqual(null, registered), false);
            assert.equal(taskDefinitionsEqual(registered, undefined), false);
        });

        it("finds a described revision equal to what was registered (AWS defaults, empty values, post-registration fields)", () => {
            assert.equal(taskDefinitionsEqual(described, registered), true);
            assert.equal(taskDefinitionsEqual(registered, described), true);
        });

        it("keeps a family with capital letters equal to its registered revision", () => {
            const prepared = prepareTaskDefinition(
                {},
                settingsOf({
                    image: "alpine:3",
                    family: "MyApp",
                    streamOutput: true,
                    executionRoleArn: "arn:aws:iam::123456789012:role/exec",
                }),
                "us-east-1",
                CTX,
            ).taskDefinition;
            assert.equal(prepared.family, "MyApp");
            assert.equal(taskDefinitionsEqual(described, prepared), true);
        });

        it("sees a change of meaning", () => {
            const changed = (mutate: (td: TaskDefinition) => void): boolean => {
                const copy = structuredClone(registered);
                mutate(copy);
                return taskDefinitionsEqual(described, copy);
            };
            assert.equal(
                changed((td) => (td.containerDefinitions![0].image = "alpine:4")),
                false,
            );
            assert.equal(
                changed((td) => (td.memory = "4096")),
                false,
            );
            assert.equal(
                changed((td) => (td.containerDefinitions![0].environment = [{ name: "A", value: "1" }])),
                false,
            );
            assert.equal(
                changed((td) => td.containerDefinitions!.push({ name: "sidecar", image: "x" })),
                false,
            );
            assert.equal(
                changed((td) => (td.taskRoleArn = "arn:role/task")),
                false,
            );
        });

        it("applies AWS's network mode default (bridge)", () => {
            const ec2 = { family: "f", containerDefinitions: [{ name: "main", image: "a", cpu: 256, memory: 512 }] };
            assert.equal(taskDefinitionsEqual(ec2, { ...ec2, networkMode: "bridge" }), true);
            assert.equal(taskDefinitionsEqual(ec2, { ...ec2, networkMode: "host" }), false);
        });

        it("applies AWS's essential default (true) to every container", () => {
            const two = (a?: boolean, b?: boolean): TaskDefinition => ({
                family: "f",
                containerDefinitions: [
                    { name: "main", image: "a", ...(a === undefined ? {} : { essential: a }) },
                    { name: "side", image: "b", ...(b === undefined ? {} : { essential: b }) },
                ],
            });
            assert.equal(taskDefinitionsEqual(two(), two(true, true)), true);
            assert.equal(taskDefinitionsEqual(two(undefined, false), two(true, false)), true);
            // Unlike the reference, an omitted `essential` (AWS: true) is not the same as false.
            assert.equal(taskDefinitionsEqual(two(), two(true, false)), false);
        });

        it("drops falsy values like the reference (`if not value`): false and 0 equal absent", () => {
            const base = { family: "f", containerDefinitions: [{ name: "main", image: "a" }] };
            const withFalsy = {
                family: "f",
                containerDefinitions: [
                    { name: "main", image: "a", readonlyRootFilesystem: false, cpu: 0, links: [], dockerLabels: {}, user: "" },
                ],
                volumes: [],
                pidMode: null,
                proxyConfiguration: { properties: [] },
            };
            assert.equal(taskDefinitionsEqual(base, withFalsy), true);
        });

        it("keeps the items of lists (an empty argument is an argument)", () => {
            const cmd = (command: string[]): TaskDefinition => ({
                family: "f",
                containerDefinitions: [{ name: "main", image: "a", command }],
            });
            assert.equal(taskDefinitionsEqual(cmd(["sh", "-c", ""]), cmd(["sh", "-c"])), false);
            assert.equal(taskDefinitionsEqual(cmd(["a", "b"]), cmd(["b", "a"])), false);
        });

        it("compares task sizes as numbers", () => {
            const sized = (cpu: string, memory: string): TaskDefinition => ({ ...registered, cpu, memory });
            assert.equal(taskDefinitionsEqual(sized("1 vCPU", "2 GB"), registered), true);
            assert.equal(taskDefinitionsEqual(sized("1 vCPU", "3 GB"), registered), false);
        });

        it("ignores the order of tags, environment and compatibilities", () => {
            const a = {
                family: "f",
                tags: [
                    { key: "b", value: "2" },
                    { key: "a", value: "1" },
                ],
                requiresCompatibilities: ["FARGATE", "EC2"],
                containerDefinitions: [
                    {
                        name: "main",
                        image: "i",
                        environment: [
                            { name: "Y", value: "2" },
                            { name: "X", value: "1" },
                        ],
                    },
                ],
            };
            const b = {
                family: "f",
                tags: [
                    { key: "a", value: "1" },
                    { key: "b", value: "2" },
                ],
                requiresCompatibilities: ["EC2", "FARGATE"],
                containerDefinitions: [
                    {
                        name: "main",
                        image: "i",
                        environment: [
                            { name: "X", value: "1" },
                            { name: "Y", value: "2" },
                        ],
                    },
                ],
            };
            assert.equal(taskDefinitionsEqual(a, b), true);
        });

        it("ignores the order of secrets, and sees a changed valueFrom", () => {
            const secrets = (...pairs: [string, string][]) => ({
                family: "f",
                containerDefinitions: [{ name: "main", image: "i", secrets: pairs.map(([name, valueFrom]) => ({ name, valueFrom })) }],
            });
            assert.equal(taskDefinitionsEqual(secrets(["B", "/b"], ["A", "/a"]), secrets(["A", "/a"], ["B", "/b"])), true);
            assert.equal(taskDefinitionsEqual(secrets(["A", "/a"]), secrets(["A", "/other"])), false);
        });

        it("compares definitions without containers, or with containers that are not objects, without failing", () => {
            assert.equal(taskDefinitionsEqual({ family: "f" }, { family: "f" }), true);
            assert.equal(taskDefinitionsEqual({ family: "f" }, { family: "g" }), false);
            const odd = (): TaskDefinition => ({ family: "f", containerDefinitions: ["main" as unknown as ContainerDefinition] });
            assert.equal(taskDefinitionsEqual(odd(), odd()), true);
        });

        it("an empty task size equals none; a change of compatibilities is a change", () => {
            const base: TaskDefinition = { family: "f", containerDefinitions: [{ name: "main", image: "a" }] };
            assert.equal(taskDefinitionsEqual({ ...base, cpu: "", memory: "" }, base), true);
            assert.equal(
                taskDefinitionsEqual({ ...base, cpu: null, memory: null } as unknown as TaskDefinition, base),
                true,
                "null is unset",
            );
            assert.equal(taskDefinitionsEqual({ ...base, cpu: null } as unknown as TaskDefinition, { ...base, cpu: "256" }), false);
            assert.equal(
                taskDefinitionsEqual({ ...base, requiresCompatibilities: ["FARGATE"] }, { ...base, requiresCompatibilities: ["EC2"] }),
                false,
            );
        });

        it("keeps the empty items of lists as they are, and cleans objects in nested lists", () => {
            const withList = (list: unknown[]): TaskDefinition => ({
                family: "f",
                containerDefinitions: [{ name: "main", image: "a", dockerSecurityOptions: list }],
            });
            assert.equal(taskDefinitionsEqual(withList([""]), withList([[]])), false);
            assert.equal(taskDefinitionsEqual(withList([""]), withList([{}])), false);
            assert.equal(taskDefinitionsEqual(withList([[""]]), withList([[]])), false);
            assert.equal(taskDefinitionsEqual(withList([[""]]), withList([[0]])), false);
            assert.equal(taskDefinitionsEqual(withList([[{ a: "" }]]), withList([[{}]])), true);
        });

        it("does not mutate its inputs", () => {
            const a = structuredClone(described);
            const b = structuredClone(registered);
            taskDefinitionsEqual(a, b);
            assert.deepStrictEqual([a, b], [described, registered]);
        });
    });

    describe("registrationRequest", () => {
        it("strips the fields AWS adds on registration", () => {
            const request = registrationRequest({ ...described, deleteRequestedAt: "2024-06-01T00:00:00Z" });
            const expected: Record<string, unknown> = { ...described };
            for (const f of [
                "taskDefinitionArn",
                "revision",
                "status",
                "requiresAttributes",
                "compatibilities",
                "registeredAt",
                "registeredBy",
            ]) {
                delete expected[f];
            }
            assert.deepStrictEqual(request, expected);
        });

        it("turns tags given as an object into RegisterTaskDefinition's list, and drops an empty list", () => {
            assert.deepStrictEqual(registrationRequest({ family: "f", tags: { b: "2", a: "1" } }), {
                family: "f",
                tags: [
                    { key: "a", value: "1" },
                    { key: "b", value: "2" },
                ],
            });
            assert.deepStrictEqual(registrationRequest({ family: "f", tags: [{ key: "a", value: "1" }] }), {
                family: "f",
                tags: [{ key: "a", value: "1" }],
            });
            assert.deepStrictEqual(registrationRequest({ family: "f", tags: [] }), { family: "f" });
        });

        it("does not mutate its input", () => {
            const input = structuredClone(described);
            registrationRequest(input);
            assert.deepStrictEqual(input, described);
        });
    });
});
