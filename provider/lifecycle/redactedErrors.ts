import { redactText, secretStrings } from "../plan/redact";

/**
 * Runs `work`; an error it throws is thrown again with the values of the secret inputs of `props`
 * redacted from its message and stack (the engine prints both). The error keeps its name; it is a
 * plain `Error` (a serialized subclass of Error loses its message).
 */
export async function withRedactedErrors<T>(props: object, work: () => Promise<T>): Promise<T> {
    try {
        return await work();
    } catch (err) {
        const record = props as Record<string, unknown>;
        const keys = Array.isArray(record.__secretKeys) ? (record.__secretKeys as string[]) : [];
        const secrets = secretStrings(record, keys);
        if (secrets.length === 0 || !(err instanceof Error)) throw err;
        const redacted = new Error(redactText(err.message, secrets));
        redacted.name = err.name;
        redacted.stack = redactText(err.stack ?? "", secrets);
        throw redacted;
    }
}
