/**
 * Errors as AWS encodes them.
 *
 * A handler throws an {@link AwsError}; the protocol layer turns it into the
 * wire form the SDK expects (JSON `__type` + `x-amzn-errortype` for the JSON
 * protocols, `<Response><Errors>` XML for EC2), so the real SDK raises its
 * named exception classes (`ClusterNotFoundException`, ...).
 */
export class AwsError extends Error {
    /** Error code, e.g. `ClusterNotFoundException`. */
    readonly code: string;
    /** HTTP status; 400 unless given. */
    readonly status: number;
    /** Extra members of the error shape (e.g. `resourceIds` of ConflictException). */
    readonly extra: Record<string, unknown>;

    constructor(code: string, message: string, status = 400, extra: Record<string, unknown> = {}) {
        super(message);
        this.name = code;
        this.code = code;
        this.status = status;
        this.extra = extra;
    }
}

/** ECS `ClientException` (400). */
export const clientException = (message: string): AwsError => new AwsError("ClientException", message);

/** `InvalidParameterException` (400), used by ECS and CloudWatch Logs. */
export const invalidParameter = (message: string): AwsError => new AwsError("InvalidParameterException", message);

/** ECS `ClusterNotFoundException` (400). */
export const clusterNotFound = (message = "Cluster not found."): AwsError => new AwsError("ClusterNotFoundException", message);

/** CloudWatch Logs `ResourceNotFoundException` (400). */
export const resourceNotFound = (message: string): AwsError => new AwsError("ResourceNotFoundException", message);

/** CloudWatch Logs `ResourceAlreadyExistsException` (400). */
export const resourceAlreadyExists = (message: string): AwsError => new AwsError("ResourceAlreadyExistsException", message);

/** Malformed request body or wrong member type (400), as the JSON services answer. */
export const serializationException = (message: string): AwsError => new AwsError("SerializationException", message);

/** Converts anything thrown by a handler into an AwsError (unknown errors become a 500). */
export function toAwsError(err: unknown): AwsError {
    if (err instanceof AwsError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new AwsError("InternalFailure", `emulator internal error: ${message}`, 500);
}
