/**
 * An existing task definition: the task runs that definition (its only container runs `command`;
 * a definition with several containers needs `containerName`, checked before RunTask).
 * If other arguments ask for something the definition lacks, a new revision is registered from it;
 * the given definition itself is never deregistered.
 *
 * Reference: `ECSTask(command=["echo", "hello world"], task_definition_arn="arn:aws:ecs:...")`
 */
import { EcsTaskRun } from "../../provider";

const hello = new EcsTaskRun("hello-from-definition", {
    command: ["echo", "hello world"],
    taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/my-app:7",
});

export const taskArn = hello.taskArn;
export const taskDefinitionArn = hello.taskDefinitionArn;
