/**
 * The `secrets` input: environment variables whose values ECS reads at start with the execution
 * role, from AWS Secrets Manager or SSM Parameter Store. They go into the run's container
 * definition as `secrets` (`[{ name, valueFrom }]`): RunTask overrides cannot carry secrets, and
 * `environment` overrides are visible to anyone allowed `ecs:DescribeTasks`.
 */
import type { ContainerDefinition } from "../types";
import { isPlainObject, quote } from "./json";
import { isUnknown } from "./unknowns";

/** One entry of a container definition's `secrets`. */
export interface SecretEntry {
    name: string;
    valueFrom: string;
}

/**
 * A Secrets Manager secret ARN as ECS takes it in `valueFrom`:
 * `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>` (the name with or without the
 * 6-character suffix Secrets Manager adds), optionally followed by `:<json-key>:<version-stage>:<version-id>`,
 * each of which may be empty (`...:secret:db-AbCdEf:password::`). Secret names: letters, digits and
 * `/_+=.@-` (Secrets Manager's CreateSecret documentation); JSON keys: anything but `:`.
 */
const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:]*){0,3}$/;

/** An SSM parameter ARN: `arn:<partition>:ssm:<region>:<account>:parameter/<name>` (a hierarchical
 * name's leading `/` is not repeated after `parameter`). */
const SSM_PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9_.\-/]+$/;

/** An SSM parameter name (same region as the task): letters, digits and `_.-`, in `/`-separated
 * levels, optionally starting with `/` (Parameter Store's PutParameter documentation). */
const SSM_PARAMETER_NAME = /^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Maximum length of an SSM parameter name, the path included (PutParameter documentation). */
const MAX_SSM_NAME_LENGTH = 1011;

/** What a `valueFrom` is: the kind of store it names, or null when it names none ECS accepts. */
export function secretSource(valueFrom: string): "secretsmanager" | "ssm" | null {
    if (SECRETS_MANAGER_ARN.test(valueFrom)) return "secretsmanager";
    if (SSM_PARAMETER_ARN.test(valueFrom)) return "ssm";
    if (valueFrom.startsWith("arn:")) return null;
    if (valueFrom.length > MAX_SSM_NAME_LENGTH || !SSM_PARAMETER_NAME.test(valueFrom)) return null;
    // Parameter names may not begin with "aws" or "ssm" in any letter case (PutParameter documentation).
    return /^\/?(aws|ssm)/i.test(valueFrom) ? null : "ssm";
}

/** The check of the `secrets` input on its own: an object of variable names to `valueFrom` strings,
 * each naming a Secrets Manager secret or an SSM parameter. */
export function secretsRule(v: unknown): string | null {
    const example = '{ DB_PASSWORD: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf" }';
    if (!isPlainObject(v))
        return `\`secrets\` must be an object of variable names to secret ARNs or parameter names, e.g. ${example}; got ${quote(v)}.`;
    for (const [name, valueFrom] of Object.entries(v)) {
        if (name === "") return "`secrets` has a variable with an empty name; give every variable a name.";
        if (isUnknown(valueFrom)) continue;
        if (typeof valueFrom !== "string")
            return `\`secrets.${name}\` must be a string (a secret ARN or parameter name); got ${quote(valueFrom)}.`;
        if (secretSource(valueFrom) === null) {
            return (
                `\`secrets.${name}\` ${quote(valueFrom)} names neither a Secrets Manager secret ` +
                "(`arn:aws:secretsmanager:<region>:<account>:secret:<name>`, optionally followed by `:<json-key>:<version-stage>:<version-id>`) " +
                "nor an SSM parameter (`arn:aws:ssm:<region>:<account>:parameter/<name>`, or the parameter's name in the task's region)."
            );
        }
    }
    return null;
}

/** The names given both in `secrets` and (with a value) in `env`: ECS would set the variable twice. */
export function secretsAlsoInEnv(secrets: Record<string, unknown>, env: Record<string, unknown>): string[] {
    return Object.keys(secrets)
        .filter((name) => Object.prototype.hasOwnProperty.call(env, name) && env[name] !== null && env[name] !== undefined)
        .sort();
}

/**
 * Writes `secrets` into a container definition (mutates `container`): an entry of the same name
 * already in the definition gets the new `valueFrom` in place; the others are appended, sorted by
 * name. So an unchanged input gives an unchanged definition (and an equal revision is reused).
 */
export function applySecrets(container: ContainerDefinition, secrets: Record<string, string>): void {
    const names = Object.keys(secrets).sort();
    if (names.length === 0) return;
    const existing: SecretEntry[] = Array.isArray(container.secrets) ? (container.secrets as SecretEntry[]) : [];
    const result = existing.map((entry) =>
        isPlainObject(entry) && names.includes(entry.name) ? { ...entry, valueFrom: secrets[entry.name] } : entry,
    );
    for (const name of names) {
        if (!existing.some((entry) => isPlainObject(entry) && entry.name === name)) result.push({ name, valueFrom: secrets[name] });
    }
    container.secrets = result;
}

/** The error when `secrets` are given and no execution role can read them. */
export const SECRETS_NEED_EXECUTION_ROLE_MESSAGE =
    "`secrets` are read at start by the task's execution role, but there is none: set `executionRoleArn` " +
    "(a role with secretsmanager:GetSecretValue or ssm:GetParameters on them, and kms:Decrypt for a customer-managed key).";
