import type { CheckedInputs } from "../types";
import type { RunPorts } from "./runPorts";
import { makeAwsRunServices } from "../run/awsRunServices";
import { realClock } from "../aws/retry";
import { taskDefinitionsEqual } from "../plan/equality";
import { redactText, secretStrings } from "../plan/redact";
import { runRegion } from "./region";

/**
 * The ports of a run bound to AWS: the SDK clients of the run's region (made from the SDK's
 * standard credential chain and `AWS_ENDPOINT_URL*` at run time, never stored; `stateRegion`, the
 * region a recorded run used, wins over the configured one), the process's
 * shared task watcher and registration memory, and the deployment's output. Lines written to the
 * output have the values of secret inputs redacted.
 */
export async function makeAwsPorts(inputs: CheckedInputs, stateRegion?: string): Promise<RunPorts> {
    // A recorded run acts in the region it used; a new run in the region of its inputs and config.
    const region = stateRegion ?? (await runRegion(inputs.region));
    if (!region) {
        throw new Error(
            "No AWS region: set the `region` argument, the stack's `aws:region` (`pulumi config set aws:region us-east-1`), or AWS_REGION.",
        );
    }
    const secrets = secretStrings(inputs as unknown as Record<string, unknown>, inputs.__secretKeys);
    const name = inputs.__context?.name ?? "EcsTaskRun";
    // The provider host relays what the provider writes to stdout as the deployment's diagnostics.
    const log = (line: string): void => {
        process.stdout.write(`${redactText(line, secrets)}\n`);
    };
    const services = makeAwsRunServices({
        region,
        equal: taskDefinitionsEqual,
        log: (line) => log(`[${name}] ${line}`),
    });
    return {
        ...services,
        // Each relayed line is prefixed with the resource's name, as `docker compose` prefixes a
        // service's lines (several runs stream at once); the reader's tail (`logTail`) keeps the bare line.
        openLogStream: (group, stream, onLine) => services.openLogStream(group, stream, (line) => onLine(`${name} | ${line}`)),
        region,
        clock: realClock(),
        log,
    };
}
