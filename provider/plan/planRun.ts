/** THE one place that decides what a run registers and sends. */
import { PLACEHOLDER, type PlannedRun, type TaskDefinition, type TaskRunInputs } from "../types";
import { DEFAULT_VPC_LABEL } from "./constants";
import { registrationRequest, taskDefinitionsEqual } from "./equality";
import { isPlainObject } from "./json";
import { needsNetworkConfiguration, networkConfiguration } from "./network";
import { inputsHash, startedByFor } from "./runIdentity";
import { prepareRunTaskRequest } from "./runTaskRequest";
import { resolveSettings, type RunSettings } from "./settings";
import { prepareTaskDefinition } from "./taskDefinition";

/** What is known besides the inputs. Empty in preview (`check`); filled in by `create`. */
export interface PlanContext {
    /** The region the run uses (resolved by the I/O layer). Default: the `region` input, else a placeholder. */
    region?: string;
    /** The definition named by the `taskDefinitionArn` input, as DescribeTaskDefinition returned it. */
    baseTaskDefinition?: TaskDefinition;
    /** The ARN of the definition to run: registered, reused (an equal latest revision) or the base's. */
    taskDefinitionArn?: string;
    /** The subnets found for `vpcId` or the default VPC (not needed when `networkConfiguration.subnets` are given). */
    subnets?: string[];
}

/**
 * Plans a run from validated inputs. With an empty context it is the preview: placeholders stand
 * for the registered ARN, the region and the subnets. `create` calls it again with the described
 * base definition (for a `taskDefinitionArn` input), then with the ARN and subnets it found.
 *
 * - No definition or an inline one: the prepared definition, `needsRegistration: true`.
 * - `taskDefinitionArn` with its described base: prepared from the base; `needsRegistration` when
 *   the result does not mean the same as the base (`taskDefinitionsEqual`, so the defaults AWS
 *   filled in are no change). `executionRoleArn` is no such change: it is sent as RunTask's
 *   `overrides.executionRoleArn`, and written into the definition only when a revision is
 *   registered anyway. `taskDefinition` is always the registration request (no
 *   post-registration fields). A base with several containers and no `containerName` throws.
 * - `taskDefinitionArn` not described yet (preview): `taskDefinition: null`,
 *   `needsRegistration: false` (not knowable yet), `containerName` = the `containerName` input,
 *   else {@link PLACEHOLDER.containerName}.
 * - An inline `taskDefinition` Pulumi does not know yet (preview): `taskDefinition: null`,
 *   `needsRegistration: true`, the container as above.
 *
 * The request's `taskDefinition` is `ctx.taskDefinitionArn`, else the placeholder when a
 * definition must be registered, else the base's own ARN (its exact revision), else the input.
 */
export function planRun(inputs: TaskRunInputs, ctx: PlanContext): PlannedRun {
    return planFromSettings(resolveSettings(inputs), ctx);
}

/** {@link planRun} for settings already resolved (validation plans without customizations). */
export function planFromSettings(settings: RunSettings, ctx: PlanContext): PlannedRun {
    const region = settings.region ?? ctx.region ?? PLACEHOLDER.region;
    const context = settings.context;

    let taskDefinition: TaskDefinition | null;
    let containerName: string;
    let needsRegistration: boolean;
    let runArn: string;
    const inlineUnknown =
        settings.taskDefinitionArn === undefined && settings.taskDefinition !== undefined && !isPlainObject(settings.taskDefinition);
    if (inlineUnknown) {
        // An inline definition Pulumi does not know yet (preview): it will be registered.
        taskDefinition = null;
        containerName = settings.containerName ?? PLACEHOLDER.containerName;
        needsRegistration = true;
        runArn = ctx.taskDefinitionArn ?? PLACEHOLDER.taskDefinitionArn;
    } else if (settings.taskDefinitionArn === undefined || ctx.baseTaskDefinition !== undefined) {
        const byArn = settings.taskDefinitionArn !== undefined;
        const base = byArn ? (ctx.baseTaskDefinition ?? {}) : (settings.taskDefinition ?? {});
        const prepared = prepareTaskDefinition(base, settings, region, context, { executionRoleAsOverride: byArn });
        needsRegistration = !byArn || !taskDefinitionsEqual(prepared.taskDefinition, base);
        // A role alone is no reason for a new revision (RunTask's overrides carry it); a revision
        // registered for another reason gets it too, so that the definition says what runs.
        if (byArn && needsRegistration && settings.executionRoleArn !== undefined) {
            prepared.taskDefinition.executionRoleArn = settings.executionRoleArn;
        }
        taskDefinition = registrationRequest(prepared.taskDefinition);
        containerName = prepared.containerName;
        const baseArn = typeof base.taskDefinitionArn === "string" ? base.taskDefinitionArn : settings.taskDefinitionArn;
        runArn = ctx.taskDefinitionArn ?? (needsRegistration || baseArn === undefined ? PLACEHOLDER.taskDefinitionArn : baseArn);
    } else {
        taskDefinition = null;
        containerName = settings.containerName ?? PLACEHOLDER.containerName;
        needsRegistration = false;
        runArn = ctx.taskDefinitionArn ?? settings.taskDefinitionArn;
    }

    const network = needsNetworkConfiguration(taskDefinition, settings)
        ? networkConfiguration(settings, subnetsFor(settings, ctx))
        : undefined;

    const runTaskRequest = prepareRunTaskRequest(settings, {
        taskDefinitionArn: runArn,
        containerName,
        networkConfiguration: network,
        startedBy: startedByFor(context),
        inputsHash: inputsHash(settings, context),
    });

    return { region, taskDefinition, needsRegistration, runTaskRequest, containerName };
}

/** The subnets: given, else found, else the preview placeholder. The placeholder is a string (as
 * the reference's preview shows it), or a one-item list when a customization works on items of
 * the subnet list (so that it applies in preview too). */
function subnetsFor(settings: RunSettings, ctx: PlanContext): string[] | string {
    const given = settings.networkConfiguration.subnets ?? ctx.subnets;
    if (given !== undefined) return given;
    const placeholder = PLACEHOLDER.subnets(settings.vpcId ?? DEFAULT_VPC_LABEL);
    const prefix = "/networkConfiguration/awsvpcConfiguration/subnets/";
    const touchesItems = settings.taskCustomizations.some(
        (op) => op.path.startsWith(prefix) || (typeof op.from === "string" && op.from.startsWith(prefix)),
    );
    return touchesItems ? [placeholder] : placeholder;
}
