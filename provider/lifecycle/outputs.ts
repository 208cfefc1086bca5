import { STATE_VERSION, type CheckedInputs, type TaskRunOutputs, type TaskRunResult } from "../types";
import { redactDeep, secretStrings } from "../plan/redact";

/**
 * The resource's state after a run: every checked input plus the result. The user's
 * `taskDefinitionArn` input is kept as `requestedTaskDefinitionArn` (the output of that name is
 * the ARN that ran). The log tail has the values of secret inputs redacted; the exact payloads
 * (`runTaskRequest`, `preparedTaskDefinition`) are kept whole and marked secret by the resource.
 */
export function toOutputs(inputs: CheckedInputs, result: TaskRunResult): TaskRunOutputs {
    const { taskDefinitionArn: requested, ...rest } = inputs;
    const secrets = secretStrings(inputs as unknown as Record<string, unknown>, inputs.__secretKeys);
    const outputs = {
        ...rest,
        ...result,
        logTail: redactDeep(result.logTail, secrets),
        stateVersion: STATE_VERSION,
    } satisfies TaskRunOutputs;
    return requested === undefined ? outputs : { ...outputs, requestedTaskDefinitionArn: requested };
}

/** The checked inputs a state was made from (for the region and context of later operations). */
export function fromOutputs(state: TaskRunOutputs): CheckedInputs {
    return { ...state, taskDefinitionArn: state.requestedTaskDefinitionArn } as CheckedInputs;
}
