/**
 * Quick start (the program of the repository's own Pulumi.yaml, and README's "Quick start"): run a
 * command as a Fargate task in the account's `default` cluster, in the subnets of the default VPC
 * with a public IP so that the image can be pulled, and stream its log lines into the `pulumi up`
 * output. `pulumi up` waits for the task to stop and fails if the command exits non-zero.
 *
 * Reference: `ECSTask(command=["echo", "hello world"]).run()`
 */
import { EcsTaskRun } from "../../provider";

const hello = new EcsTaskRun("hello", {
    image: "public.ecr.aws/docker/library/alpine:3.20",
    command: ["sh", "-c", "echo hello from ECS"],
    // Writes the container's logs to CloudWatch; needs AmazonECSTaskExecutionRolePolicy.
    executionRoleArn: "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
    streamOutput: true,
});

export const exitCode = hello.exitCode;
export const logTail = hello.logTail;
