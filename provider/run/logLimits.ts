/**
 * The log reading budget of the process: the provider configuration keys
 * `ecs-task-run:getLogEventsPerSecond` and `ecs-task-run:filterLogEventsPerSecond` (from the
 * provider's Configure call), else the environment variables `ECS_TASK_RUN_GET_LOG_EVENTS_PER_SECOND`
 * and `ECS_TASK_RUN_FILTER_LOG_EVENTS_PER_SECOND`, else 20 and 4 (under CloudWatch Logs' hard
 * quotas of 25 and 5 per account and region, leaving room for others).
 *
 * The configured values live on `globalThis` (module-level state would be serialized with the provider).
 */

/** The GetLogEvents calls per second a process makes at most, by default. */
export const DEFAULT_GET_LOG_EVENTS_PER_SECOND = 20;
/** The FilterLogEvents calls per second a process makes at most, by default. */
export const DEFAULT_FILTER_LOG_EVENTS_PER_SECOND = 4;

/** The provider configuration keys. */
export const GET_LOG_EVENTS_CONFIG_KEY = "ecs-task-run:getLogEventsPerSecond";
export const FILTER_LOG_EVENTS_CONFIG_KEY = "ecs-task-run:filterLogEventsPerSecond";
/** The environment variables. */
export const GET_LOG_EVENTS_ENV = "ECS_TASK_RUN_GET_LOG_EVENTS_PER_SECOND";
export const FILTER_LOG_EVENTS_ENV = "ECS_TASK_RUN_FILTER_LOG_EVENTS_PER_SECOND";

const CONFIG_KEY = "__ecsTaskRun.logLimitsConfig";

/** The budget of log reads. */
export interface LogLimits {
    getLogEventsPerSecond: number;
    filterLogEventsPerSecond: number;
}

/** Records the provider configuration's values (strings, as Pulumi config gives them; absent: undefined). */
export function rememberLogLimitsConfig(config: { get(key: string): string | undefined }): void {
    (globalThis as unknown as Record<string, unknown>)[CONFIG_KEY] = {
        get: config.get(GET_LOG_EVENTS_CONFIG_KEY),
        filter: config.get(FILTER_LOG_EVENTS_CONFIG_KEY),
    };
}

/**
 * The budget: configuration, else environment, else the defaults. A value that is not a positive
 * number is an error naming where it came from.
 */
export function logLimits(env: Record<string, string | undefined> = process.env): LogLimits {
    const config = ((globalThis as unknown as Record<string, unknown>)[CONFIG_KEY] ?? {}) as { get?: string; filter?: string };
    return {
        getLogEventsPerSecond: pick(
            config.get,
            GET_LOG_EVENTS_CONFIG_KEY,
            env[GET_LOG_EVENTS_ENV],
            GET_LOG_EVENTS_ENV,
            DEFAULT_GET_LOG_EVENTS_PER_SECOND,
        ),
        filterLogEventsPerSecond: pick(
            config.filter,
            FILTER_LOG_EVENTS_CONFIG_KEY,
            env[FILTER_LOG_EVENTS_ENV],
            FILTER_LOG_EVENTS_ENV,
            DEFAULT_FILTER_LOG_EVENTS_PER_SECOND,
        ),
    };
}

function pick(configured: string | undefined, configName: string, fromEnv: string | undefined, envName: string, dflt: number): number {
    if (configured !== undefined && configured !== "") return parse(configured, `the provider configuration \`${configName}\``);
    if (fromEnv !== undefined && fromEnv !== "") return parse(fromEnv, `the environment variable ${envName}`);
    return dflt;
}

function parse(text: string, where: string): number {
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) {
        throw new Error(`${where} is ${JSON.stringify(text)}: it must be a positive number of calls per second (for example 10).`);
    }
    return n;
}
