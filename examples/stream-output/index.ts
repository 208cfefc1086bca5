/**
 * Streamed output: the container logs to CloudWatch (`awslogs` driver, group `ecs-task-run`) and
 * its lines show in the `pulumi up` output while the task runs; the last lines are kept in the
 * `logTail` output. Writing logs needs an execution role with `logs:CreateLogStream`,
 * `logs:CreateLogGroup` and `logs:PutLogEvents` (the managed policy
 * `AmazonECSTaskExecutionRolePolicy` plus `logs:CreateLogGroup`).
 *
 * Reference: `ECSTask(command=["echo", "hello world"], stream_output=True, execution_role_arn="...")`
 */
import { EcsTaskRun } from "../../provider";

const hello = new EcsTaskRun("hello-logs", {
    image: "public.ecr.aws/docker/library/alpine:3.20",
    command: ["sh", "-c", "echo hello world; echo and goodbye"],
    streamOutput: true,
    executionRoleArn: "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
});

export const taskArn = hello.taskArn;
export const logTail = hello.logTail;
