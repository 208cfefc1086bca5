/**
 * Fargate Spot: `FARGATE_SPOT` is not an ECS launch type; the resource sends the capacity provider
 * strategy `[{ capacityProvider: "FARGATE_SPOT", weight: 1 }]` instead. The cluster must have the
 * `FARGATE_SPOT` capacity provider attached.
 *
 * Reference: `ECSTask(command=["echo", "hello world"], launch_type="FARGATE_SPOT").run()`
 */
import { EcsTaskRun } from "../../provider";

const hello = new EcsTaskRun("hello-spot", {
    image: "public.ecr.aws/docker/library/alpine:3.20",
    command: ["echo", "hello world"],
    launchType: "FARGATE_SPOT",
});

export const taskArn = hello.taskArn;
export const exitCode = hello.exitCode;
