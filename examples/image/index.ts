/**
 * A specific image for the container that runs the command.
 *
 * Reference: `ECSTask(command=["echo", "hello world"], image="alpine:latest")`
 */
import { EcsTaskRun } from "../../provider";

const hello = new EcsTaskRun("hello-alpine", {
    command: ["echo", "hello world"],
    image: "alpine:latest",
});

export const taskArn = hello.taskArn;
export const exitCode = hello.exitCode;
