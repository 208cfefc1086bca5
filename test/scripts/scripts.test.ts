import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..", "..");
const TS_NODE = [require.resolve("ts-node/dist/bin.js"), "--transpile-only"];

/** The commands README gives a user, run as a user runs them (a child process, from the repository root). */
describe("scripts users run", function () {
    this.timeout(120_000);
    // The AWS SDK's warning that its 2027 releases need Node 22 is silenced on Node 20 only; on Node 22
    // and 24 nothing silences it, and the demo must not print it.
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (Number(process.versions.node.split(".")[0]) < 22) env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
    else delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    for (const key of Object.keys(env)) if (key.startsWith("AWS_ENDPOINT_URL")) delete env[key];

    it("npm run demo: runs the quick start on the local endpoint through Check, Create and Delete", async () => {
        const { stdout, stderr } = await run(process.execPath, [...TS_NODE, "scripts/demo.ts"], { cwd: ROOT, env });
        assert.doesNotMatch(stderr, /NodeVersionSupportWarning/, "the AWS SDK's Node version warning");
        assert.match(stdout, /=== Check \(pulumi preview\): the plan of EcsTaskRun "hello"/);
        assert.match(stdout, /taskDefinition: <registered at run time>/);
        assert.match(stdout, /\nhello \| hello from ECS\n/, "the container's log line is streamed, prefixed with the resource's name");
        assert.match(stdout, /\nexitCode: 0\n/);
        assert.match(stdout, /\nlogTail: \["hello from ECS"\]\n/);
        assert.match(
            stdout,
            /Deregistered task definition arn:aws:ecs:us-east-1:123456789012:task-definition\/demo-dev-hello:1: no resource uses it any more\./,
        );
        assert.match(stdout, /\nRunTask: 1\n/);
    });

    it("npm run plan: prints the dry run of an example as YAML, without AWS", async () => {
        const { stdout } = await run(process.execPath, [...TS_NODE, "scripts/plan.ts", "examples/fargate-spot"], {
            cwd: ROOT,
            env: { ...env, AWS_REGION: "eu-west-1" },
        });
        assert.match(stdout, /^# EcsTaskRun "hello-spot"\n---\n# Task definition\n/);
        assert.match(stdout, /capacityProviderStrategy:\n {2}- capacityProvider: FARGATE_SPOT\n {4}weight: 1\n/);
        assert.match(stdout, /subnets: <loaded from the default VPC at run time>/);
        assert.doesNotMatch(stdout, /launchType/);
    });

    it("npm run plan: shows the secrets example's `secrets` in the task definition, and no secret value anywhere", async () => {
        const { stdout } = await run(process.execPath, [...TS_NODE, "scripts/plan.ts", "examples/secrets"], {
            cwd: ROOT,
            env: { ...env, PULUMI_CONFIG: JSON.stringify({ "demo:dbPassword": "hunter2" }) },
        });
        assert.match(
            stdout,
            /\n {4}secrets:\n {6}- name: API_URL\n {8}valueFrom: arn:aws:ssm:us-east-1:123456789012:parameter\/api-url\n {6}- name: DB_PASSWORD\n {8}valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-credentials-AbCdEf:password::"\n/,
        );
        assert.doesNotMatch(stdout, /hunter2/);
    });
});
