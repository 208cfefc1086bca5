/**
 * Secrets: environment variables whose values ECS reads at start, with the task's execution role,
 * from AWS Secrets Manager and SSM Parameter Store. The values never travel in the RunTask request
 * (which anyone allowed `ecs:DescribeTasks` can read), nor in this resource's state: only their
 * ARNs and names do, in the run's container definition (`secrets`, `valueFrom`).
 *
 * The program creates the secret (a JSON document; the run reads one key of it), an SSM
 * parameter, and an execution role allowed to read both.
 *
 * Configuration: `pulumi config set --secret dbPassword <password>`.
 * Reference: none — Prefect's `ECSTask` takes `secrets` only inside a full `task_definition`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EcsTaskRun } from "../../provider";

const config = new pulumi.Config();
const dbPassword = config.requireSecret("dbPassword");

// The secret: a JSON document whose `password` key the run reads.
const dbCredentials = new aws.secretsmanager.Secret("db-credentials", {});
const dbCredentialsValue = new aws.secretsmanager.SecretVersion("db-credentials", {
    secretId: dbCredentials.id,
    secretString: pulumi.jsonStringify({ username: "app", password: dbPassword }),
});

// A plain setting kept in Parameter Store, read the same way.
const apiUrl = new aws.ssm.Parameter("api-url", { type: "String", value: "https://api.example.com" });

// The execution role: ECS uses it to pull the image, write the logs and read the secrets at start.
const executionRole = new aws.iam.Role("report-execution", {
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
});
const executionPolicy = new aws.iam.RolePolicyAttachment("report-execution", {
    role: executionRole.name,
    policyArn: aws.iam.ManagedPolicy.AmazonECSTaskExecutionRolePolicy,
});
const readSecrets = new aws.iam.RolePolicy("report-execution-read-secrets", {
    role: executionRole.id,
    policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: dbCredentials.arn },
            { Effect: "Allow", Action: ["ssm:GetParameters"], Resource: apiUrl.arn },
            // The awslogs driver creates the log group (`awslogs-create-group`).
            { Effect: "Allow", Action: ["logs:CreateLogGroup"], Resource: "*" },
        ],
    }),
});

const report = new EcsTaskRun(
    "report",
    {
        image: "public.ecr.aws/docker/library/alpine:3.20",
        command: ["sh", "-c", 'echo "connecting to $API_URL as app (password of ${#DB_PASSWORD} characters)"'],
        executionRoleArn: executionRole.arn,
        secrets: {
            // `<secret ARN>:<json-key>:<version-stage>:<version-id>`: the `password` key, current version.
            DB_PASSWORD: pulumi.interpolate`${dbCredentials.arn}:password::`,
            API_URL: apiUrl.arn,
        },
        streamOutput: true,
    },
    // The role must be able to read the secrets, and the secret must have a value, before the task starts.
    { dependsOn: [executionPolicy, readSecrets, dbCredentialsValue] },
);

export const taskArn = report.taskArn;
export const exitCode = report.exitCode;
