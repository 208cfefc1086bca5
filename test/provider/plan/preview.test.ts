import assert from "node:assert/strict";
import { planRun } from "../../../provider/plan/planRun";
import { renderPreview } from "../../../provider/plan/preview";
import { STARTED_BY, hashTag, inputs } from "./fixtures";

describe("plan/preview renderPreview", () => {
    it("shows the task definition and the RunTask request as YAML documents", () => {
        const spec = { command: ["echo", "hello world"], image: "alpine:latest", env: { PLANET: "earth" } };
        assert.equal(
            renderPreview(planRun(inputs(spec), {})),
            [
                "---",
                "# Task definition",
                "containerDefinitions:",
                "  - image: alpine:latest",
                "    name: main",
                'cpu: "1024"',
                "family: shop-dev-hello",
                'memory: "2048"',
                "networkMode: awsvpc",
                "requiresCompatibilities:",
                "  - FARGATE",
                "",
                "---",
                "# Task run request",
                "count: 1",
                "launchType: FARGATE",
                "networkConfiguration:",
                "  awsvpcConfiguration:",
                "    assignPublicIp: ENABLED",
                "    securityGroups: []",
                "    subnets: <loaded from the default VPC at run time>",
                "overrides:",
                "  containerOverrides:",
                "    - command:",
                "        - echo",
                "        - hello world",
                "      environment:",
                "        - name: PLANET",
                "          value: earth",
                "      name: main",
                `startedBy: ${STARTED_BY}`,
                "tags:",
                `  - key: ${hashTag(spec).key}`,
                `    value: ${hashTag(spec).value}`,
                "taskDefinition: <registered at run time>",
                "",
            ].join("\n"),
        );
    });

    it("leaves the task definition out when it is given by ARN and not described yet", () => {
        const text = renderPreview(planRun(inputs({ taskDefinitionArn: "app:3", launchType: "EC2" }), {}));
        assert.equal(text.startsWith("---\n# Task run request\ncount: 1\nlaunchType: EC2\n"), true);
        assert.equal(text.includes("# Task definition"), false);
        assert.equal(text.includes("taskDefinition: app:3\n"), true);
    });
});
