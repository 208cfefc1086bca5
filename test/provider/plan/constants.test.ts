import assert from "node:assert/strict";
import {
    DEFAULT_CONTAINER_NAME,
    DEFAULT_CPU,
    DEFAULT_LOG_GROUP,
    DEFAULT_MEMORY,
    DEFAULT_POLL_INTERVAL_SECONDS,
    DEFAULT_START_TIMEOUT_SECONDS,
    FARGATE_CPUS,
    FARGATE_SIZES,
    INPUTS_HASH_TAG,
    POST_REGISTRATION_FIELDS,
    READ_ONLY_TASK_DEFINITION_FIELDS,
} from "../../../provider/plan/constants";

describe("plan/constants", () => {
    it("has the documented defaults", () => {
        assert.deepStrictEqual(
            [
                DEFAULT_CPU,
                DEFAULT_MEMORY,
                DEFAULT_CONTAINER_NAME,
                DEFAULT_LOG_GROUP,
                DEFAULT_START_TIMEOUT_SECONDS,
                DEFAULT_POLL_INTERVAL_SECONDS,
                INPUTS_HASH_TAG,
            ],
            [1024, 2048, "main", "ecs-task-run", 300, 5, "ecs-task-run:inputs-hash"],
        );
    });

    it("lists the post-registration fields of the reference", () => {
        assert.deepStrictEqual(POST_REGISTRATION_FIELDS, [
            "compatibilities",
            "taskDefinitionArn",
            "revision",
            "status",
            "requiresAttributes",
            "registeredAt",
            "registeredBy",
            "deregisteredAt",
        ]);
        assert.deepStrictEqual(READ_ONLY_TASK_DEFINITION_FIELDS, [...POST_REGISTRATION_FIELDS, "deleteRequestedAt"]);
    });

    it("has the Fargate sizes of ecs-facts.md", () => {
        assert.deepStrictEqual(FARGATE_CPUS, [256, 512, 1024, 2048, 4096, 8192, 16384]);
        assert.deepStrictEqual(FARGATE_SIZES[256], [512, 1024, 2048]);
        assert.deepStrictEqual(FARGATE_SIZES[512], [1024, 2048, 3072, 4096]);
        assert.deepStrictEqual(FARGATE_SIZES[1024], [2048, 3072, 4096, 5120, 6144, 7168, 8192]);
        assert.equal(FARGATE_SIZES[2048].length, 13);
        assert.deepStrictEqual([FARGATE_SIZES[2048][0], FARGATE_SIZES[2048][12]], [4096, 16384]);
        assert.deepStrictEqual([FARGATE_SIZES[4096][0], FARGATE_SIZES[4096].at(-1), FARGATE_SIZES[4096].length], [8192, 30720, 23]);
        assert.deepStrictEqual(FARGATE_SIZES[8192], [16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440]);
        assert.deepStrictEqual([FARGATE_SIZES[16384][0], FARGATE_SIZES[16384].at(-1), FARGATE_SIZES[16384].length], [32768, 122880, 12]);
    });
});
