/**
 * Task CPU units and memory (MiB). On Fargate the pair must be a valid combination (2048 CPU
 * takes 4096 to 16384 MiB in steps of 1024); `pulumi preview` already refuses an invalid one.
 *
 * Reference: `ECSTask(command=["echo", "hello world"], memory=4096, cpu=2048)`
 */
import { EcsTaskRun } from "../../provider";

const hello = new EcsTaskRun("hello-large", {
    image: "public.ecr.aws/docker/library/alpine:3.20",
    command: ["echo", "hello world"],
    cpu: 2048,
    memory: 4096,
});

export const taskArn = hello.taskArn;
export const exitCode = hello.exitCode;
