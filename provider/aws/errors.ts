/**
 * Classification and explanation of the errors the AWS SDK throws.
 *
 * Plain functions over `unknown`: nothing here imports the SDK, so these can be used (and
 * serialized) anywhere. The SDK's service exceptions carry the AWS error code in `name`,
 * the HTTP status in `$metadata.httpStatusCode` and `client`/`server` in `$fault`; Node's
 * network errors carry their code in `code`.
 */

/* Errors are made by functions, not by `class ... extends Error`: Pulumi's closure serialization
 * keeps a class's constructor body only, turns `super(message)` into `Error.call(this, message)`
 * (which sets nothing) and does not chain the prototype to `Error.prototype`, so a serialized
 * error class throws objects that are not `Error`s and have no message (shown by
 * test/provider/run/serialization.test.ts). A real `Error` with a `name` and fields is made
 * instead, and recognized by its `name`. */

/**
 * A real `Error` named `name`, with `fields` copied onto it and `cause` when given.
 * Recognize it with {@link hasErrorName}.
 */
export function namedError<T extends object>(name: string, message: string, fields: T, cause?: unknown): Error & T {
    const err = (cause === undefined ? new Error(message) : new Error(message, { cause })) as Error & T;
    err.name = name;
    Object.assign(err, fields);
    return err;
}

/** Whether `err` is an error named `name` (made by {@link namedError}, or any error of that name). */
export function hasErrorName(err: unknown, name: string): boolean {
    return typeof err === "object" && err !== null && (err as { name?: unknown }).name === name;
}

/** What `withRetry` throws when it gives up; the last AWS error is its `cause`. */
export interface RetryExhaustedError extends Error {
    name: "RetryExhaustedError";
    /** How many attempts were made. */
    attempts: number;
    /** How long the attempts took, in milliseconds. */
    elapsedMs: number;
    cause: unknown;
}

/** Makes a {@link RetryExhaustedError}. */
export function retryExhaustedError(message: string, cause: unknown, attempts: number, elapsedMs: number): RetryExhaustedError {
    return namedError("RetryExhaustedError", message, { attempts, elapsedMs }, cause) as RetryExhaustedError;
}

/** Whether `err` is a {@link RetryExhaustedError}. */
export function isRetryExhaustedError(err: unknown): err is RetryExhaustedError {
    return hasErrorName(err, "RetryExhaustedError");
}

/** Throttling codes; from the SDK's own list (`@smithy/core` retry
 * `service-error-classification/constants.js`, `THROTTLING_ERROR_CODES`), without
 * `LimitExceededException`, which ECS and CloudWatch Logs use for quotas, not for rates. */
const THROTTLING_CODES: readonly string[] = [
    "BandwidthLimitExceeded",
    "EC2ThrottledException",
    "PriorRequestNotComplete",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
    "ThrottledException",
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
];

/** Transient server and network errors (same source: `TRANSIENT_ERROR_CODES`,
 * `NODEJS_TIMEOUT_ERROR_CODES`, `NODEJS_NETWORK_ERROR_CODES`), plus the 5xx exceptions the
 * ECS and CloudWatch Logs models declare. */
const TRANSIENT_CODES: readonly string[] = [
    "TimeoutError",
    "RequestTimeout",
    "RequestTimeoutException",
    "ServerException",
    "InternalServerException",
    "InternalFailure",
    "InternalError",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "Unavailable",
    "ECONNRESET",
    "ECONNREFUSED",
    "EPIPE",
    "ETIMEDOUT",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "ENOTFOUND",
    "EAI_AGAIN",
];

/** Codes that no retry will fix: permissions, credentials, invalid requests, missing resources. */
const FATAL_CODES: readonly string[] = [
    "UnauthorizedOperation",
    "InvalidParameterException",
    "ClientException",
    "ClusterNotFoundException",
    "ValidationException",
    "InvalidParameterValue",
    "InvalidParameterCombination",
    "MissingParameter",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredToken",
    "ExpiredTokenException",
    "AuthFailure",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "OptInRequired",
    "PlatformUnknownException",
    "PlatformTaskDefinitionIncompatibilityException",
    "UnsupportedFeatureException",
    "ConflictException",
    "BlockedException",
    "CredentialsProviderError",
];

function field(err: unknown, key: string): unknown {
    return typeof err === "object" && err !== null ? (err as Record<string, unknown>)[key] : undefined;
}

/** The error itself, or the last AWS error inside a {@link RetryExhaustedError}. */
function unwrap(err: unknown): unknown {
    let e = err;
    for (let i = 0; i < 5 && isRetryExhaustedError(e); i++) e = e.cause;
    return e;
}

/**
 * The AWS error code of an error: the SDK exception's `name` (e.g. `ClusterNotFoundException`,
 * `InvalidVpcID.NotFound`), else `Code`/`code` (Node network errors: `ECONNRESET`), else the
 * `__type` of a raw JSON error body (without its `namespace#` prefix).
 * Looks through {@link RetryExhaustedError}. Returns `undefined` when there is none.
 */
export function errorCode(err: unknown): string | undefined {
    const e = unwrap(err);
    if (typeof e !== "object" || e === null) return undefined;
    const name = field(e, "name");
    const isSdk = field(e, "$metadata") !== undefined || field(e, "$fault") !== undefined;
    if (isSdk && typeof name === "string" && name !== "Error") return name;
    for (const key of ["Code", "code"]) {
        const v = field(e, key);
        if (typeof v === "string" && v.length > 0) return v;
    }
    const type = field(e, "__type");
    if (typeof type === "string") return type.slice(type.lastIndexOf("#") + 1);
    if (typeof name === "string" && name !== "Error" && name !== "TypeError" && name !== "RangeError") return name;
    return undefined;
}

/** The error's message (looking through {@link RetryExhaustedError}); `""` when there is none. */
export function errorMessage(err: unknown): string {
    const e = unwrap(err);
    if (e instanceof Error) return e.message;
    const m = field(e, "message") ?? field(e, "Message");
    return typeof m === "string" ? m : typeof e === "string" ? e : "";
}

/** The HTTP status of the response that carried the error, when known. */
export function httpStatus(err: unknown): number | undefined {
    const meta = field(unwrap(err), "$metadata");
    const status = field(meta, "httpStatusCode");
    return typeof status === "number" ? status : undefined;
}

/** Whether the error is ECS's "Too many concurrent attempts to create a new revision of the
 * specified family" (a `ClientException` that is really a rate limit on RegisterTaskDefinition). */
export function isConcurrentRevisionError(err: unknown): boolean {
    return errorCode(err) === "ClientException" && /too many concurrent attempts to create a new revision/i.test(errorMessage(err));
}

/** Whether ECS refused a TagResource (or a registration with tags) because the resource would
 * carry more than 50 tags (`InvalidParameterException` "... exceeds the limit of 50"). */
export function isTagLimitError(err: unknown): boolean {
    const code = errorCode(err);
    return (
        (code === "InvalidParameterException" || code === "ClientException") &&
        /tags?\b.*(limit|exceed)|too many tags/i.test(errorMessage(err))
    );
}

/**
 * Whether AWS refused the call because of a rate limit: `ThrottlingException`, `Throttling`,
 * `RequestLimitExceeded` (EC2), `TooManyRequestsException` and the SDK's other throttling codes,
 * HTTP 429, and ECS's "Too many concurrent attempts to create a new revision" `ClientException`.
 */
export function isThrottling(err: unknown): boolean {
    const code = errorCode(err);
    return (code !== undefined && THROTTLING_CODES.includes(code)) || httpStatus(err) === 429 || isConcurrentRevisionError(err);
}

/**
 * Whether a later attempt may succeed: throttling ({@link isThrottling}), 5xx server errors,
 * timeouts and network errors, and errors the SDK marks `$retryable`.
 */
export function isTransient(err: unknown): boolean {
    if (isThrottling(err)) return true;
    const code = errorCode(err);
    if (code !== undefined && TRANSIENT_CODES.includes(code)) return true;
    const status = httpStatus(err);
    if (status !== undefined && status >= 500) return true;
    return field(unwrap(err), "$retryable") !== undefined;
}

/**
 * Whether no retry can fix the error: `AccessDenied*`, `UnauthorizedOperation`, invalid or
 * expired credentials, `InvalidParameterException`, `ClientException` (other than the
 * concurrent-revision one), `ClusterNotFoundException`, `*.NotFound` (EC2), other modelled
 * client faults (4xx other than 429 and request timeouts). Never true for throttling.
 */
export function isFatal(err: unknown): boolean {
    if (isThrottling(err)) return false;
    const code = errorCode(err);
    if (code === undefined) return false;
    if (TRANSIENT_CODES.includes(code)) return false;
    if (code.startsWith("AccessDenied") || FATAL_CODES.includes(code) || code.endsWith(".NotFound") || code.endsWith(".Malformed")) {
        return true;
    }
    const status = httpStatus(err);
    return field(unwrap(err), "$fault") === "client" && status !== undefined && status >= 400 && status < 500 && status !== 408;
}

/** The IAM action named in an access-denied message ("... is not authorized to perform: ecs:RunTask ..."). */
function deniedAction(message: string): string | undefined {
    const m = /perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(message);
    return m?.[1];
}

function advice(err: unknown, code: string | undefined, message: string, action: string | undefined): string {
    if (code === undefined) return "";
    if (code.startsWith("AccessDenied") || code === "UnauthorizedOperation") {
        const act = deniedAction(message) ?? action;
        const passRole = /iam:PassRole/.test(message) ? " The execution and task roles must be passable: grant iam:PassRole on them." : "";
        return act
            ? `The credentials in use are not allowed to call ${act}: grant ${act} to the IAM principal the deployment runs as (and check SCPs and permission boundaries).${passRole}`
            : `The credentials in use lack an IAM permission for this call: grant it to the IAM principal the deployment runs as.${passRole}`;
    }
    if (isConcurrentRevisionError(err)) {
        return "Several registrations of the same task definition family collided; this is retried with backoff. Fewer concurrent runs of one family avoid it.";
    }
    if (isThrottling(err)) {
        return "AWS throttled the account's API calls in this region; this is retried with backoff. Fewer concurrent runs or a longer taskWatchPollInterval reduce it.";
    }
    switch (code) {
        case "ClusterNotFoundException":
            return "The cluster does not exist in this account and region: create it, or set `cluster` (the default is the account's `default` cluster, which AWS does not always create), and check the region.";
        case "InvalidParameterException":
            return "ECS rejected a parameter of the request; the message above says which.";
        case "ClientException":
            return "ECS rejected the request; the message above says why (often a task definition field, e.g. a cpu/memory combination Fargate does not offer).";
        case "UnrecognizedClientException":
        case "InvalidClientTokenId":
        case "AuthFailure":
            return "The credentials are not valid for this account, region or partition: check AWS_PROFILE / AWS_ACCESS_KEY_ID and the region.";
        case "ExpiredToken":
        case "ExpiredTokenException":
            return "The credentials have expired: refresh them (e.g. `aws sso login`) and run again.";
        case "CredentialsProviderError":
            return "No AWS credentials were found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where a role is available.";
        case "PlatformUnknownException":
        case "PlatformTaskDefinitionIncompatibilityException":
            return "The Fargate platform version does not exist or does not support this task definition: check `platformVersion`.";
        case "InvalidVpcID.NotFound":
            return "The VPC does not exist in this region: check `vpcId` and the region.";
        default:
            break;
    }
    if (isTransient(err)) {
        return "This looks transient (a network or AWS-side error); it is retried until the deadline. If it persists, check network access to AWS (proxy, AWS_ENDPOINT_URL).";
    }
    return "";
}

/**
 * A message for a person: what we were doing, the AWS code and message, the request ID, and what
 * to do about it (for access denied: the IAM action that is missing, read from AWS's message,
 * else `action`).
 *
 * @param err - the error the SDK threw (a {@link RetryExhaustedError} is looked through).
 * @param whatWeDid - what the call was for, e.g. `"Running the task in cluster default"`.
 * @param action - the IAM action of the call, e.g. `"ecs:RunTask"`, named when AWS's message does not name it.
 */
export function describeAwsError(err: unknown, whatWeDid: string, action?: string): string {
    const code = errorCode(err);
    const message = errorMessage(err);
    const requestId = field(field(unwrap(err), "$metadata"), "requestId");
    const retried = isRetryExhaustedError(err)
        ? ` (gave up after ${err.attempts} attempts over ${Math.round(err.elapsedMs / 1000)} s)`
        : "";
    let text = `${whatWeDid} failed${retried}: ${code ?? "Error"}${message ? `: ${message}` : ""}`;
    if (typeof requestId === "string") text += ` (request ID ${requestId})`;
    const tip = advice(err, code, message, action);
    return tip ? `${text}. ${tip}` : `${text}.`;
}
