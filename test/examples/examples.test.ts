/**
 * Every program of examples/ (and the repository's own program, index.ts) runs under
 * `pulumi.runtime.setMocks` — no Pulumi CLI, no AWS — and registers what it says it does. Type
 * checking of the examples is `npm test`'s `typecheck` step; this file checks that tsconfig.json
 * includes them all.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { validateInputs } from "../../provider/plan/validate";
import { captureResources, requireFresh, REPO_ROOT, type CapturedResource, type CaptureOptions } from "../support/providerHost";

const EXAMPLES = path.join(REPO_ROOT, "examples");
const RUN_TYPE = "pulumi-nodejs:dynamic/ecs-task-run:EcsTaskRun";
const IMAGE = "public.ecr.aws/docker/library/alpine:3.20";

/** The example folders (each has an index.ts). */
function exampleFolders(): string[] {
    return fs
        .readdirSync(EXAMPLES, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort();
}

/** Runs examples/<name>/index.ts under mocks and returns what it registered. */
function runExample(name: string, options: CaptureOptions = {}): Promise<CapturedResource[]> {
    return captureResources(() => requireFresh(path.join(EXAMPLES, name, "index.ts")).then(() => undefined), options);
}

/** The one EcsTaskRun the resources hold, checked to be a well-formed dynamic resource. */
function onlyRun(resources: CapturedResource[], name: string): CapturedResource {
    const runs = resources.filter((r) => r.type === RUN_TYPE);
    assert.deepEqual(
        runs.map((r) => r.name),
        [name],
    );
    return checkedRun(runs[0]);
}

function checkedRun(run: CapturedResource): CapturedResource {
    assert.match(run.provider, /^exports\.handler = /, "the provider is serialized into __provider");
    assert.ok(run.additionalSecretOutputs.includes("runTaskRequest"));
    assert.ok(run.additionalSecretOutputs.includes("preparedTaskDefinition"));
    assert.deepEqual(run.inputs.__context, { project: "test-project", stack: "test", name: run.name });
    return run;
}

describe("examples", function () {
    // The first example serializes the provider and the migration loads @pulumi/aws.
    this.timeout(60000);

    it("every example folder is a Pulumi project whose index.ts tsconfig.json type-checks", () => {
        const configPath = path.join(REPO_ROOT, "tsconfig.json");
        const read = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
        assert.equal(read.error, undefined);
        const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, REPO_ROOT);
        const included = new Set(parsed.fileNames.map((file) => path.resolve(file)));
        const folders = exampleFolders();
        assert.ok(folders.length >= 14, `expected every scenario, found ${folders.join(", ")}`);
        for (const folder of folders) {
            assert.ok(included.has(path.join(EXAMPLES, folder, "index.ts")), `tsconfig.json does not include examples/${folder}/index.ts`);
            const project = fs.readFileSync(path.join(EXAMPLES, folder, "Pulumi.yaml"), "utf8");
            assert.match(project, /^runtime:\s*\n\s+name: nodejs/m, `examples/${folder}/Pulumi.yaml`);
            assert.match(
                project,
                /^main: index\.ts$/m,
                `examples/${folder}/Pulumi.yaml must set main (package.json's main is the library)`,
            );
        }
        assert.ok(included.has(path.join(REPO_ROOT, "index.ts")), "tsconfig.json does not include the root index.ts");
    });

    it("the repository's own program (Pulumi.yaml, index.ts) is the quick start", async () => {
        const project = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8");
        assert.match(project, /^name: pulumi-ecs-task-run$/m);
        assert.match(project, /^main: index\.ts$/m);
        let exported: Record<string, unknown> = {};
        const resources = await captureResources(async () => {
            exported = (await requireFresh(path.join(REPO_ROOT, "index.ts"), [path.join(EXAMPLES, "quickstart")])) as Record<
                string,
                unknown
            >;
        });
        const run = onlyRun(resources, "hello");
        assert.equal(run.inputs.image, IMAGE);
        assert.deepEqual(Object.keys(exported).sort(), ["exitCode", "logTail"]);
    });

    it("quickstart: default Fargate, output streamed", async () => {
        const run = onlyRun(await runExample("quickstart"), "hello");
        assert.equal(run.inputs.image, IMAGE);
        assert.deepEqual(run.inputs.command, ["sh", "-c", "echo hello from ECS"]);
        assert.equal(run.inputs.streamOutput, true);
        assert.equal(run.inputs.executionRoleArn, "arn:aws:iam::123456789012:role/ecsTaskExecutionRole");
        assert.equal(run.inputs.launchType, undefined, "Fargate is the default");
    });

    it("fargate-spot", async () => {
        const run = onlyRun(await runExample("fargate-spot"), "hello-spot");
        assert.equal(run.inputs.launchType, "FARGATE_SPOT");
        assert.deepEqual(run.inputs.command, ["echo", "hello world"]);
    });

    it("ec2", async () => {
        const run = onlyRun(await runExample("ec2"), "hello-ec2");
        assert.equal(run.inputs.launchType, "EC2");
    });

    it("vpc-id", async () => {
        const run = onlyRun(await runExample("vpc-id"), "hello-vpc");
        assert.equal(run.inputs.vpcId, "vpc-01abcdf123456789a");
    });

    it("stream-output", async () => {
        const run = onlyRun(await runExample("stream-output"), "hello-logs");
        assert.equal(run.inputs.streamOutput, true);
        assert.match(String(run.inputs.executionRoleArn), /^arn:aws:iam::\d{12}:role\//);
    });

    it("existing-task-definition", async () => {
        const run = onlyRun(await runExample("existing-task-definition"), "hello-from-definition");
        assert.equal(run.inputs.taskDefinitionArn, "arn:aws:ecs:us-east-1:123456789012:task-definition/my-app:7");
        assert.equal(run.inputs.image, undefined, "the definition gives the image");
    });

    it("image", async () => {
        const run = onlyRun(await runExample("image"), "hello-alpine");
        assert.equal(run.inputs.image, "alpine:latest");
    });

    it("cpu-memory", async () => {
        const run = onlyRun(await runExample("cpu-memory"), "hello-large");
        assert.equal(run.inputs.cpu, 2048);
        assert.equal(run.inputs.memory, 4096);
    });

    it("env, without and with a secret value", async () => {
        const plain = onlyRun(await runExample("env"), "hello-env");
        assert.deepEqual(plain.inputs.env, { PLANET: "earth" });
        assert.deepEqual(plain.inputs.command, ["sh", "-c", "echo hello $PLANET"]);
        assert.deepEqual(plain.secretInputs, []);

        const withSecret = onlyRun(
            await runExample("env", { config: { "test-project:apiToken": "tok-123" }, secretConfigKeys: ["test-project:apiToken"] }),
            "hello-env",
        );
        assert.deepEqual(withSecret.inputs.env, { PLANET: "earth", API_TOKEN: "tok-123" });
        assert.deepEqual(withSecret.secretInputs, ["env"], "env is registered as a secret");
        assert.deepEqual(withSecret.inputs.__secretKeys, ["env"], "the provider is told which inputs are secret");
        assert.ok(!withSecret.provider.includes("tok-123"));
    });

    it("cluster", async () => {
        const run = onlyRun(await runExample("cluster"), "hello-cluster");
        assert.equal(run.inputs.cluster, "my-cluster-name");
    });

    it("custom-subnets: first-class argument and the reference's patch", async () => {
        const resources = await runExample("custom-subnets");
        const runs = Object.fromEntries(resources.filter((r) => r.type === RUN_TYPE).map((r) => [r.name, checkedRun(r)]));
        assert.deepEqual(Object.keys(runs).sort(), ["hello-subnets", "hello-subnets-patched"]);
        const subnets = ["subnet-80b6fbcd", "subnet-42a6fdgd"];
        assert.deepEqual(runs["hello-subnets"].inputs.networkConfiguration, { subnets });
        assert.deepEqual(runs["hello-subnets-patched"].inputs.taskCustomizations, [
            { op: "add", path: "/networkConfiguration/awsvpcConfiguration/subnets", value: subnets },
        ]);
    });

    it("no-public-ip", async () => {
        const run = onlyRun(await runExample("no-public-ip"), "hello-private");
        assert.equal(run.inputs.vpcId, "vpc-01abcdf123456789a");
        assert.deepEqual(run.inputs.networkConfiguration, { assignPublicIp: "DISABLED" });
    });

    it("security-groups", async () => {
        const run = onlyRun(await runExample("security-groups"), "hello-sg");
        assert.equal(run.inputs.vpcId, "vpc-01abcdf123456789a");
        assert.deepEqual(run.inputs.networkConfiguration, { securityGroups: ["sg-d72e9599956a084f5"] });
    });

    it("secrets: a Secrets Manager secret and an SSM parameter, read by the execution role at start", async () => {
        const resources = await runExample("secrets", {
            config: { "test-project:dbPassword": "hunter2" },
            secretConfigKeys: ["test-project:dbPassword"],
        });
        const one = (type: string): CapturedResource => {
            const found = resources.filter((r) => r.type === type);
            assert.equal(found.length, 1, `one ${type}`);
            return found[0];
        };
        const secret = one("aws:secretsmanager/secret:Secret");
        const version = one("aws:secretsmanager/secretVersion:SecretVersion");
        const parameter = one("aws:ssm/parameter:Parameter");
        const attachment = one("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        const readSecrets = one("aws:iam/rolePolicy:RolePolicy");
        const run = onlyRun(resources, "report");

        const secretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-credentials-AbCdEf";
        const parameterArn = "arn:aws:ssm:us-east-1:123456789012:parameter/api-url";
        assert.deepEqual(version.secretInputs, ["secretString"], "the password is a secret in state");
        assert.equal(attachment.inputs.policyArn, "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy");
        const policy = JSON.parse(String(readSecrets.inputs.policy)) as { Statement: { Action: string[]; Resource: string }[] };
        assert.deepEqual(
            policy.Statement.map((st) => [st.Action, st.Resource]),
            [
                [["secretsmanager:GetSecretValue"], secretArn],
                [["ssm:GetParameters"], parameterArn],
                [["logs:CreateLogGroup"], "*"],
            ],
        );
        // The run names the secrets (a JSON key of the secret, the parameter); it holds no value.
        assert.deepEqual(run.inputs.secrets, { DB_PASSWORD: `${secretArn}:password::`, API_URL: parameterArn });
        assert.deepEqual(run.secretInputs, []);
        assert.ok(!JSON.stringify(run.inputs).includes("hunter2"));
        for (const upstream of [attachment, readSecrets, version]) {
            assert.ok(run.dependencies.includes(upstream.urn), `the run depends on ${upstream.name}`);
        }
        assert.ok(secret.urn);
        assert.equal(parameter.inputs.type, "String");
    });

    it("sidecar: the named container runs the command, a log router listed first", async () => {
        const run = onlyRun(await runExample("sidecar"), "nightly-job");
        assert.equal(run.inputs.containerName, "app");
        const definition = run.inputs.taskDefinition as { containerDefinitions: { name: string }[] };
        assert.deepEqual(
            definition.containerDefinitions.map((c) => c.name),
            ["log-router", "app"],
        );
        assert.deepEqual(run.inputs.command, ["npm", "run", "nightly"]);
        assert.deepEqual(validateInputs(run.inputs), [], "valid as `pulumi preview` checks it");
        const { containerName: _chosen, ...unchosen } = run.inputs;
        assert.deepEqual(
            validateInputs(unchosen).map((f) => f.property),
            ["containerName"],
            "without containerName, preview refuses to guess",
        );
    });

    it("cluster-default: no launch type, no strategy: the cluster's default strategy", async () => {
        const run = onlyRun(await runExample("cluster-default"), "hello-cluster-default");
        assert.equal(run.inputs.launchType, "CLUSTER_DEFAULT");
        assert.equal(run.inputs.capacityProviderStrategy, undefined);
        assert.deepEqual(run.inputs.taskDefinition, {
            networkMode: "awsvpc",
            requiresCompatibilities: ["FARGATE"],
            cpu: "256",
            memory: "512",
        });
        assert.deepEqual(validateInputs(run.inputs), [], "valid as `pulumi preview` checks it");
    });

    it("migration-before-service: the migration runs the service's definition, and the service waits for it", async () => {
        const databaseUrl = "postgres://app:hunter2@db.internal:5432/app";
        const calls: string[] = [];
        const resources = await runExample("migration-before-service", {
            config: { "test-project:databaseUrl": databaseUrl, "test-project:image": "registry.example/app:2.0.0" },
            secretConfigKeys: ["test-project:databaseUrl"],
            call: (args) => {
                calls.push(args.token);
                switch (args.token) {
                    case "aws:ec2/getVpc:getVpc":
                        return { id: "vpc-0default", cidrBlock: "172.31.0.0/16" };
                    case "aws:ec2/getSubnets:getSubnets":
                        return { id: "us-east-1", ids: ["subnet-0a", "subnet-0b"] };
                    case "aws:index/getRegion:getRegion":
                        return { id: "us-east-1", name: "us-east-1", region: "us-east-1" };
                    default:
                        throw new Error(`unexpected call ${args.token}`);
                }
            },
        });
        assert.deepEqual([...new Set(calls)].sort(), [
            "aws:ec2/getSubnets:getSubnets",
            "aws:ec2/getVpc:getVpc",
            "aws:index/getRegion:getRegion",
        ]);
        const byType = (type: string): CapturedResource[] => resources.filter((r) => r.type === type);
        const one = (type: string): CapturedResource => {
            const found = byType(type);
            assert.equal(found.length, 1, `one ${type}`);
            return found[0];
        };
        const cluster = one("aws:ecs/cluster:Cluster");
        const role = one("aws:iam/role:Role");
        const attachment = one("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        const readSecret = one("aws:iam/rolePolicy:RolePolicy");
        one("aws:cloudwatch/logGroup:LogGroup");
        const parameter = one("aws:ssm/parameter:Parameter");
        const definition = one("aws:ecs/taskDefinition:TaskDefinition");
        const service = one("aws:ecs/service:Service");
        const migrate = onlyRun(resources, "migrate");

        assert.equal(attachment.inputs.policyArn, "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy");
        assert.equal(attachment.inputs.role, "app-execution");
        assert.match(String(role.inputs.assumeRolePolicy), /ecs-tasks\.amazonaws\.com/);
        assert.deepEqual(parameter.secretInputs, ["value"], "the database URL is a secret in state");

        const containers = JSON.parse(String(definition.inputs.containerDefinitions)) as Record<string, unknown>[];
        assert.equal(containers[0].image, "registry.example/app:2.0.0");
        assert.ok(!String(definition.inputs.containerDefinitions).includes("hunter2"), "the definition holds no secret value");

        // The migration: the service's definition, its command replaced, failing the deployment on a non-zero exit.
        assert.deepEqual(migrate.inputs.command, ["npm", "run", "migrate"]);
        assert.equal(migrate.inputs.failOnNonZeroExit, true);
        assert.deepEqual(migrate.inputs.triggers, ["registry.example/app:2.0.0"]);
        assert.equal(migrate.inputs.taskDefinitionArn, `arn:aws:mock:us-east-1:123456789012:TaskDefinition/app`);
        assert.equal(migrate.inputs.cluster, `arn:aws:mock:us-east-1:123456789012:Cluster/app`);
        assert.equal(migrate.inputs.containerName, "app");
        assert.deepEqual(migrate.inputs.networkConfiguration, { subnets: ["subnet-0a", "subnet-0b"], assignPublicIp: "ENABLED" });
        for (const upstream of [definition, cluster, attachment, readSecret]) {
            assert.ok(migrate.dependencies.includes(upstream.urn), `the migration depends on ${upstream.name}`);
        }
        assert.ok(!migrate.provider.includes("hunter2"));

        // The service rolls out only after the migration.
        assert.ok(service.dependencies.includes(migrate.urn), "the service depends on the migration");
        assert.equal(service.inputs.taskDefinition, migrate.inputs.taskDefinitionArn);
        assert.equal(service.inputs.launchType, "FARGATE");
    });
});
