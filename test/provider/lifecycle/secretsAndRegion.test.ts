import { strict as assert } from "node:assert";
import { regionOfArn, regionOfState } from "../../../provider/lifecycle/region";
import { withRedactedErrors } from "../../../provider/lifecycle/redactedErrors";
import { updateRun } from "../../../provider/lifecycle/updateRun";
import { REDACTED } from "../../../provider/plan/redact";
import type { CheckedInputs, TaskRunOutputs } from "../../../provider/types";

describe("lifecycle: secrets after the run, and the run's region", () => {
    it("update redacts the log tail again when an input was made secret after the run", () => {
        const olds = {
            env: { TOKEN: "abc123" },
            logTail: ["token=abc123", "done"],
            __secretKeys: [],
            taskArn: "t",
        } as unknown as TaskRunOutputs;
        const news = { env: { TOKEN: "abc123" }, __secretKeys: ["env"], plan: { redacted: true } } as unknown as CheckedInputs;
        const next = updateRun(olds, news);
        assert.deepEqual(next.logTail, [`token=${REDACTED}`, "done"]);
        assert.deepEqual(next.__secretKeys, ["env"]);
        assert.deepEqual(next.plan, { redacted: true });
        assert.equal(next.taskArn, "t");
    });

    it("errors thrown to the engine have secret values redacted from message and stack, and keep their name", async () => {
        const props = { env: { DB_PASSWORD: "hunter2" }, __secretKeys: ["env"] };
        const err = await withRedactedErrors(props, async () => {
            const e = new Error("Task failed: psql: password hunter2 rejected");
            e.name = "RunFailedError";
            throw e;
        }).then(
            () => assert.fail("expected a rejection"),
            (e: unknown) => e as Error,
        );
        assert.equal(err.name, "RunFailedError");
        assert.equal(err.message, `Task failed: psql: password ${REDACTED} rejected`);
        assert.equal(String(err.stack).includes("hunter2"), false);
        // No secret: the error is thrown as it is.
        const plain = new Error("x");
        await assert.rejects(
            withRedactedErrors({}, async () => Promise.reject(plain)),
            (e) => e === plain,
        );
    });

    it("the region of a recorded run: runRegion, else its ARNs, else its plan", () => {
        assert.equal(regionOfArn("arn:aws:ecs:eu-west-1:123456789012:task/default/abc"), "eu-west-1");
        assert.equal(regionOfArn("arn:aws-cn:ecs:cn-north-1:1:cluster/x"), "cn-north-1");
        assert.equal(regionOfArn("not an arn"), undefined);
        assert.equal(regionOfState({ runRegion: "ap-south-1", taskArn: "arn:aws:ecs:eu-west-1:1:task/d/a" }), "ap-south-1");
        assert.equal(regionOfState({ taskArn: "arn:aws:ecs:eu-west-1:1:task/d/a" }), "eu-west-1");
        assert.equal(regionOfState({ plan: { region: "us-west-2" } }), "us-west-2");
        assert.equal(regionOfState({ plan: { region: "<region at run time>" } }), undefined);
    });
});
