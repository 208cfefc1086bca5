import assert from "node:assert/strict";
import {
    FILTER_LOG_EVENTS_CONFIG_KEY,
    FILTER_LOG_EVENTS_ENV,
    GET_LOG_EVENTS_CONFIG_KEY,
    GET_LOG_EVENTS_ENV,
    logLimits,
    rememberLogLimitsConfig,
} from "../../../provider/run/logLimits";
import { configureProcessLogHub, getProcessLogHub, LogHub, resetProcessLogHub } from "../../../provider/run/logHub";
import { FakeClock } from "../aws/fakeClock";

const config = (values: Record<string, string>) => ({ get: (key: string): string | undefined => values[key] });

describe("logLimits (the log read budget: provider configuration, environment, defaults)", () => {
    afterEach(() => {
        rememberLogLimitsConfig(config({}));
        resetProcessLogHub();
    });

    it("defaults to 20 GetLogEvents and 4 FilterLogEvents per second", () => {
        assert.deepEqual(logLimits({}), { getLogEventsPerSecond: 20, filterLogEventsPerSecond: 4 });
    });

    it("takes the environment, and the provider configuration over it", () => {
        const env = { [GET_LOG_EVENTS_ENV]: "10", [FILTER_LOG_EVENTS_ENV]: "2.5" };
        assert.deepEqual(logLimits(env), { getLogEventsPerSecond: 10, filterLogEventsPerSecond: 2.5 });
        rememberLogLimitsConfig(config({ [GET_LOG_EVENTS_CONFIG_KEY]: "5" }));
        assert.deepEqual(logLimits(env), { getLogEventsPerSecond: 5, filterLogEventsPerSecond: 2.5 });
    });

    it("refuses a value that is not a positive number, naming where it came from", () => {
        assert.throws(
            () => logLimits({ [GET_LOG_EVENTS_ENV]: "fast" }),
            /environment variable ECS_TASK_RUN_GET_LOG_EVENTS_PER_SECOND is "fast": it must be a positive number/,
        );
        rememberLogLimitsConfig(config({ [FILTER_LOG_EVENTS_CONFIG_KEY]: "0" }));
        assert.throws(() => logLimits({}), /provider configuration `ecs-task-run:filterLogEventsPerSecond` is "0"/);
    });

    it("a new budget reaches the process's hub when it exists", () => {
        const clock = new FakeClock(0);
        const hub = getProcessLogHub(
            () =>
                new LogHub({
                    getLogEvents: async () => ({ events: [] }),
                    filterLogEvents: async () => ({ events: [], searchedLogStreams: [] }),
                    clock,
                }),
        );
        configureProcessLogHub({ getLogEventsPerSecond: 8, filterLogEventsPerSecond: 1 });
        assert.equal(hub.getBudget.configuredRate(), 8);
        assert.equal(hub.filterBudget.configuredRate(), 1);
        assert.equal(
            getProcessLogHub(() => assert.fail("made twice")),
            hub,
        );
    });
});
