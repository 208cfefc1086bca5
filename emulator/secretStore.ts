/**
 * Values of container `secrets` (`valueFrom` a Secrets Manager secret or an SSM parameter), as the
 * emulator is told about them: ECS reads them with the execution role when a task starts, and
 * sets each as an environment variable of its container. A `valueFrom` the emulator was not told
 * about fails the task's start with AWS's kind of message.
 */

/** One `secrets` entry of a container definition. */
export interface SecretRef {
    name: string;
    valueFrom: string;
}

/** What resolving a container's secrets gives: the variables, or the stop reason of a failed start. */
export type SecretResolution = { env: Record<string, string> } | { error: string };

const RETRIEVAL = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed";

export class SecretStore {
    private readonly values = new Map<string, string>();

    constructor(initial: Record<string, string> = {}) {
        for (const [valueFrom, value] of Object.entries(initial)) this.set(valueFrom, value);
    }

    /** Tells the emulator the value of a secret (its ARN) or parameter (its ARN or name). */
    set(valueFrom: string, value: string): void {
        this.values.set(valueFrom, value);
    }

    /** The `valueFrom`s it knows, sorted. */
    known(): string[] {
        return [...this.values.keys()].sort();
    }

    /**
     * Resolves a container's `secrets`. Secrets Manager: the exact `valueFrom`, else the secret's ARN
     * (the first seven `:` fields) with `:json-key:version-stage:version-id` applied (a JSON key picks
     * a member of the secret's JSON; stage and id are not modelled). SSM: the parameter's ARN or name,
     * exactly, or the name of a parameter ARN (`parameter/x` → `x` and `/x`).
     */
    resolve(refs: readonly SecretRef[]): SecretResolution {
        const env: Record<string, string> = {};
        for (const ref of refs) {
            const value =
                ref.valueFrom.startsWith("arn:") && ref.valueFrom.split(":")[2] === "secretsmanager"
                    ? this.secretsManager(ref.valueFrom)
                    : this.ssm(ref.valueFrom);
            if ("error" in value) return value;
            env[ref.name] = value.value;
        }
        return { env };
    }

    private secretsManager(valueFrom: string): { value: string } | { error: string } {
        const exact = this.values.get(valueFrom);
        if (exact !== undefined) return { value: exact };
        const parts = valueFrom.split(":");
        const arn = parts.slice(0, 7).join(":");
        const secret = this.values.get(arn);
        const fetch = `unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${arn} from secrets manager`;
        if (secret === undefined)
            return { error: `${RETRIEVAL}: ${fetch}: ResourceNotFoundException: Secrets Manager can't find the specified secret.` };
        const jsonKey = parts[7] ?? "";
        if (jsonKey === "") return { value: secret };
        let member: unknown;
        try {
            member = (JSON.parse(secret) as Record<string, unknown>)[jsonKey];
        } catch {
            member = undefined;
        }
        if (member === undefined) {
            return {
                error: `${RETRIEVAL}: unable to retrieve secret from asm: retrieved secret from Secrets Manager did not contain json key ${jsonKey}`,
            };
        }
        return { value: typeof member === "string" ? member : JSON.stringify(member) };
    }

    private ssm(valueFrom: string): { value: string } | { error: string } {
        const name = /:parameter(\/.*)$/.exec(valueFrom)?.[1];
        for (const key of [valueFrom, ...(name === undefined ? [] : [name, name.slice(1)])]) {
            const value = this.values.get(key);
            if (value !== undefined) return { value };
        }
        return {
            error: `${RETRIEVAL}: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: ${valueFrom}`,
        };
    }
}
