/**
 * Environment variables for the container. A value given as a Pulumi secret stays encrypted in
 * state and is redacted from what `pulumi preview` shows.
 *
 * Reference: `ECSTask(command=["echo", "hello $PLANET"], env={"PLANET": "earth"})`
 */
import * as pulumi from "@pulumi/pulumi";
import { EcsTaskRun } from "../../provider";

const config = new pulumi.Config();

const hello = new EcsTaskRun("hello-env", {
    // `sh -c` expands the variable: ECS does not run the command in a shell by itself.
    image: "public.ecr.aws/docker/library/alpine:3.20",
    command: ["sh", "-c", "echo hello $PLANET"],
    env: {
        PLANET: "earth",
        // Set with `pulumi config set --secret apiToken ...`; omitted when not set.
        ...(config.get("apiToken") !== undefined ? { API_TOKEN: config.requireSecret("apiToken") } : {}),
    },
});

export const taskArn = hello.taskArn;
export const exitCode = hello.exitCode;
