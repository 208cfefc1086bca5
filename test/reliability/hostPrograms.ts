/**
 * The programs of scenario 5 of the fault matrix (faultMatrix.test.ts): `EcsTaskRun`s as a user
 * declares them, captured (with their serialized provider) in a fresh process by
 * `captureInChildProcess`, then run in the real provider host.
 */
import { EcsTaskRun } from "../../provider";

/** An image the local endpoint accepts (it runs the command as a local process). */
export const IMAGE = "public.ecr.aws/docker/library/alpine:3.20";
export const EXECUTION_ROLE = "arn:aws:iam::123456789012:role/exec";
/** The project and stack the capture uses (captureResources' defaults), part of each `startedBy`. */
export const HOST_PROJECT = "test-project";
export const HOST_STACK = "test";

/** A task that outlives a killed host (6 s), then prints one line; two that run for a minute; one
 * on Fargate Spot with a retry strategy, whose host is killed while its second attempt runs. */
export function hostRuns(): void {
    new EcsTaskRun("s5-restart", {
        image: IMAGE,
        command: ["sh", "-c", "sleep 6; echo s5-restart-done"],
        streamOutput: true,
        executionRoleArn: EXECUTION_ROLE,
        taskWatchPollInterval: 0.5,
    });
    new EcsTaskRun("s5-retry", {
        image: IMAGE,
        command: ["sh", "-c", "sleep 4; echo s5-retry-done"],
        launchType: "FARGATE_SPOT",
        retryStrategy: { attempts: 3, backoffSeconds: 0 },
        streamOutput: true,
        executionRoleArn: EXECUTION_ROLE,
        taskWatchPollInterval: 0.5,
    });
    for (const name of ["s5-sigterm", "s5-sigint"]) {
        new EcsTaskRun(name, {
            image: IMAGE,
            command: ["sleep", "60"],
            taskWatchPollInterval: 0.5,
        });
    }
}
