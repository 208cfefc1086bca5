/**
 * A real use: run the application's database migrations as a one-off ECS task before its ECS
 * service rolls out the new version.
 *
 * - The migration runs the service's own task definition with the command `npm run migrate`, in
 *   the same cluster and subnets, so it has the same image, secrets and network access.
 * - The service depends on the migration (`dependsOn`): a failed migration (non-zero exit) fails
 *   `pulumi up` before the service is touched.
 * - A new image gives a new task definition revision and, through `triggers`, a new run; a deploy
 *   that changes nothing in the task runs nothing.
 *
 * Configuration: `pulumi config set image <registry>/app:1.4.2` and
 * `pulumi config set --secret databaseUrl postgres://...`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EcsTaskRun } from "../../provider";

const config = new pulumi.Config();
const image = config.get("image") ?? "ghcr.io/example/app:1.4.2";
const databaseUrl = config.requireSecret("databaseUrl");

// The default VPC's subnets, for the service and the migration alike.
const vpc = aws.ec2.getVpcOutput({ default: true });
const subnets = aws.ec2.getSubnetsOutput({ filters: [{ name: "vpc-id", values: [vpc.id] }] }).ids;
const region = aws.getRegionOutput().region;

const cluster = new aws.ecs.Cluster("app", {});

const logGroup = new aws.cloudwatch.LogGroup("app", { retentionInDays: 30 });

// The database URL is kept in SSM and given to the container by ECS: it never appears in the
// task definition, nor in the state of the migration's run.
const databaseUrlParameter = new aws.ssm.Parameter("database-url", {
    type: "SecureString",
    value: databaseUrl,
});

// The execution role: ECS uses it to pull the image, write the logs and read the secret.
const executionRole = new aws.iam.Role("app-execution", {
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
});
const executionPolicy = new aws.iam.RolePolicyAttachment("app-execution", {
    role: executionRole.name,
    policyArn: aws.iam.ManagedPolicy.AmazonECSTaskExecutionRolePolicy,
});
const readSecret = new aws.iam.RolePolicy("app-execution-read-secret", {
    role: executionRole.id,
    policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["ssm:GetParameters"], Resource: databaseUrlParameter.arn }],
    }),
});

const taskDefinition = new aws.ecs.TaskDefinition("app", {
    family: "app",
    cpu: "512",
    memory: "1024",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    executionRoleArn: executionRole.arn,
    containerDefinitions: pulumi.jsonStringify([
        {
            name: "app",
            image,
            essential: true,
            portMappings: [{ containerPort: 3000, protocol: "tcp" }],
            secrets: [{ name: "DATABASE_URL", valueFrom: databaseUrlParameter.arn }],
            logConfiguration: {
                logDriver: "awslogs",
                options: { "awslogs-group": logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": "app" },
            },
        },
    ]),
});

// The migration: the service's definition, its command replaced. Its log lines show in the
// deployment's output; a non-zero exit fails the deployment.
const migrate = new EcsTaskRun(
    "migrate",
    {
        cluster: cluster.arn,
        taskDefinitionArn: taskDefinition.arn,
        containerName: "app",
        command: ["npm", "run", "migrate"],
        networkConfiguration: { subnets, assignPublicIp: "ENABLED" },
        // The definition already logs to CloudWatch: stream from there, register no copy.
        configureCloudwatchLogs: false,
        streamOutput: true,
        failOnNonZeroExit: true,
        triggers: [image],
        taskStartTimeoutSeconds: 600,
    },
    // The execution role must be able to pull the image and read the secret before the task starts.
    { dependsOn: [executionPolicy, readSecret] },
);

const service = new aws.ecs.Service(
    "app",
    {
        cluster: cluster.arn,
        taskDefinition: taskDefinition.arn,
        desiredCount: 2,
        launchType: "FARGATE",
        networkConfiguration: { subnets, assignPublicIp: true },
    },
    { dependsOn: [migrate] },
);

export const migrationTaskArn = migrate.taskArn;
export const migrationExitCode = migrate.exitCode;
export const serviceName = service.name;
