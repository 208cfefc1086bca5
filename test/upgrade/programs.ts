/**
 * The programs whose states are kept as fixtures (`test/fixtures/states/v<N>/`): a completed run
 * that registered its definition, a task still running (`waitForCompletion: false`), and a run
 * with a secret environment value.
 * Keep them stable: each state version's fixtures are made from them.
 */
import * as pulumi from "@pulumi/pulumi";
import { EcsTaskRun } from "../../provider";

const IMAGE = "public.ecr.aws/docker/library/alpine:3.20";
const EXECUTION_ROLE = "arn:aws:iam::123456789012:role/exec";

export function upgradePrograms(): void {
    new EcsTaskRun("completed", {
        image: IMAGE,
        command: ["sh", "-c", "echo migrated; echo done"],
        streamOutput: true,
        executionRoleArn: EXECUTION_ROLE,
        taskWatchPollInterval: 1,
    });
    new EcsTaskRun("running", {
        image: IMAGE,
        command: ["sleep", "600"],
        waitForCompletion: false,
        taskWatchPollInterval: 1,
    });
    new EcsTaskRun("secret", {
        image: IMAGE,
        command: ["sh", "-c", "echo the password is $DB_PASSWORD"],
        env: { DB_PASSWORD: pulumi.secret("fixture-secret-value"), MODE: "seed" },
        streamOutput: true,
        executionRoleArn: EXECUTION_ROLE,
        taskWatchPollInterval: 1,
    });
}
