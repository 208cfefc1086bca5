/**
 * Cross-field checks of the inputs that Prefect's `ECSTask` leaves to AWS or gets wrong: which
 * container runs the command, `secrets`, and the sizes of launch types that get no defaults.
 * Called by `validateInputs`; each check looks only at inputs that are given, valid and known.
 */
import type { ContainerDefinition, TaskDefinition } from "../types";
import { ambiguousContainerMessage, ambiguousContainers, selectContainer } from "./container";
import { isPlainObject } from "./json";
import { secretsAlsoInEnv, SECRETS_NEED_EXECUTION_ROLE_MESSAGE } from "./secrets";
import { isUnknown } from "./unknowns";
import type { View } from "./validate";

/** The inline definition's containers, or undefined when there is no inline definition, when it
 * is given by ARN, or when it or one of its containers is not known yet. */
function inlineContainers(v: View): ContainerDefinition[] | undefined {
    if (v.given("taskDefinitionArn") || !v.given("taskDefinition") || !v.sure("taskDefinition")) return undefined;
    const containers = (v.spec.taskDefinition as TaskDefinition).containerDefinitions ?? [];
    return containers.some((c) => !isPlainObject(c) || isUnknown(c.name)) ? undefined : containers;
}

/** A `taskDefinition` with several containers needs `containerName`: the run's image, command and
 * exit code would otherwise be a sidecar's when the sidecar is listed first. */
export function checkContainerChoice(v: View): void {
    if (!v.sure("containerName")) return;
    const containers = inlineContainers(v);
    if (containers === undefined) return;
    const names = ambiguousContainers(containers, v.spec.containerName);
    if (names !== null) v.add("containerName", ambiguousContainerMessage(names, "`taskDefinition`"));
}

/** `secrets`: no name also set in `env`, and an execution role to read them. */
export function checkSecrets(v: View): void {
    if (!v.given("secrets") || !v.sure("secrets")) return;
    const secrets = v.spec.secrets ?? {};
    if (Object.keys(secrets).length === 0) return;
    if (v.sure("env")) {
        const both = secretsAlsoInEnv(secrets, v.spec.env ?? {});
        if (both.length > 0) {
            v.add(
                "secrets",
                `${both.map((n) => `\`${n}\``).join(", ")} ${both.length === 1 ? "is" : "are"} in both \`secrets\` and \`env\`: ` +
                    "a variable comes from one or the other; remove it from `env` (or from `secrets`).",
            );
        }
    }
    if (v.given("executionRoleArn") || v.given("taskDefinitionArn") || !v.sure("taskDefinition")) return;
    if (v.spec.taskDefinition?.executionRoleArn) return;
    v.add("executionRoleArn", SECRETS_NEED_EXECUTION_ROLE_MESSAGE);
}

/**
 * EXTERNAL and CLUSTER_DEFAULT get no default sizes (Prefect sets them only for Fargate and EC2),
 * and AWS refuses to register a definition where neither the task nor every container has memory.
 * Checked for the definition this resource prepares (none, or `taskDefinition`).
 */
export function checkClusterDefaultSizes(v: View): void {
    if (!v.sure("launchType", "memory", "taskDefinition", "containerName")) return;
    const launchType = v.spec.launchType;
    if (launchType !== "EXTERNAL" && launchType !== "CLUSTER_DEFAULT") return;
    if (v.given("taskDefinitionArn") || v.given("memory")) return;
    const inline: TaskDefinition = v.spec.taskDefinition ?? {};
    if (inline.memory !== undefined) return;
    const containers = v.given("taskDefinition") ? inlineContainers(v) : [];
    if (containers === undefined) return;
    const run = selectContainer(containers, v.spec.containerName);
    const all = run === undefined ? [...containers, { name: v.spec.containerName ?? "main" }] : containers;
    const lacking = all.filter((c) => c.memory === undefined && c.memoryReservation === undefined).map((c) => `\`${String(c.name)}\``);
    if (lacking.length === 0) return;
    v.add(
        "memory",
        `Launch type ${launchType} gets no default sizes, and neither the task nor container ${lacking.join(", ")} has memory, ` +
            "which AWS requires: set `memory` (the task's MiB), or give the task definition `memory` or each container `memory` or `memoryReservation`.",
    );
}
