/** How the tasks of a resource are recognised: `startedBy` and the inputs hash. */
import { createHash } from "node:crypto";
import type { ResourceContext } from "../types";
import { INPUTS_HASH_LENGTH, STARTED_BY_HASH_LENGTH, STARTED_BY_PREFIX } from "./constants";
import { canonicalJson } from "./json";
import type { RunSettings } from "./settings";

/**
 * The `startedBy` of the resource's tasks: `etr-` and the first 32 hex digits of the SHA-256 of
 * `<project>/<stack>/<name>`. 36 characters of `[a-z0-9-]`: within RunTask's limit (128 letters,
 * digits, `-`, `/`, `_`; older documentation said 36). The same resource always gets the same
 * value, so ListTasks(startedBy) finds its tasks after an interrupted deployment.
 */
export function startedByFor(ctx: ResourceContext): string {
    return STARTED_BY_PREFIX + sha256(`${ctx.project}/${ctx.stack}/${ctx.name}`).slice(0, STARTED_BY_HASH_LENGTH);
}

/**
 * A hash (32 hex digits of SHA-256) of the canonical JSON of the settings that define the run
 * and of the resource context; the settings that only change how a run is watched (timeouts,
 * poll interval, `streamOutput`, `failOnNonZeroExit`, `autoDeregisterTaskDefinition`,
 * `waitForCompletion`, `retryStrategy`) are left out. Equal settings give equal hashes, whatever the key order.
 */
export function inputsHash(settings: RunSettings, ctx: ResourceContext): string {
    const defining = {
        command: settings.command,
        env: settings.env,
        // Only when given, so that the hash of a run without secrets is what it was before `secrets` existed.
        ...(Object.keys(settings.secrets).length > 0 ? { secrets: settings.secrets } : {}),
        image: settings.image,
        taskDefinitionArn: settings.taskDefinitionArn,
        taskDefinition: settings.taskDefinition,
        family: settings.family,
        containerName: settings.containerName,
        cpu: settings.cpu,
        memory: settings.memory,
        executionRoleArn: settings.executionRoleArn,
        taskRoleArn: settings.taskRoleArn,
        configureCloudwatchLogs: settings.configureCloudwatchLogs,
        cloudwatchLogsOptions: settings.cloudwatchLogsOptions,
        launchType: settings.launchType,
        capacityProviderStrategy: settings.capacityProviderStrategy,
        vpcId: settings.vpcId,
        networkConfiguration: settings.networkConfiguration,
        cluster: settings.cluster,
        tags: settings.tags,
        propagateTags: settings.propagateTags,
        platformVersion: settings.platformVersion,
        enableExecuteCommand: settings.enableExecuteCommand,
        taskCustomizations: settings.taskCustomizations,
        triggers: settings.triggers,
        region: settings.region,
        context: { project: ctx.project, stack: ctx.stack, name: ctx.name },
    };
    return sha256(canonicalJson(defining)).slice(0, INPUTS_HASH_LENGTH);
}

function sha256(text: string): string {
    return createHash("sha256").update(text, "utf8").digest("hex");
}
