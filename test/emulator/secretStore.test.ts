import { strict as assert } from "node:assert";
import { SecretStore } from "../../emulator/secretStore";

const SM = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/db-AbCdEf";
const JSON_SECRET = JSON.stringify({ username: "shop", password: "hunter2", port: 5432 });
const RETRIEVAL = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed";

describe("emulator: secret store (containers' secrets)", () => {
    const store = new SecretStore({
        [SM]: JSON_SECRET,
        "/shop/api-key": "k-123",
        plain: "p",
    });

    it("resolves Secrets Manager ARNs, whole or by JSON key (stage and id not modelled)", () => {
        assert.deepEqual(
            store.resolve([
                { name: "ALL", valueFrom: SM },
                { name: "PASSWORD", valueFrom: `${SM}:password::` },
                { name: "PORT", valueFrom: `${SM}:port:AWSCURRENT:` },
                { name: "WHOLE", valueFrom: `${SM}:::` },
            ]),
            { env: { ALL: JSON_SECRET, PASSWORD: "hunter2", PORT: "5432", WHOLE: JSON_SECRET } },
        );
    });

    it("resolves SSM parameters by name or ARN", () => {
        assert.deepEqual(
            store.resolve([
                { name: "A", valueFrom: "/shop/api-key" },
                { name: "B", valueFrom: "arn:aws:ssm:us-east-1:123456789012:parameter/shop/api-key" },
                { name: "C", valueFrom: "arn:aws:ssm:us-east-1:123456789012:parameter/plain" },
            ]),
            { env: { A: "k-123", B: "k-123", C: "p" } },
        );
    });

    it("fails, as ECS does at start, on a secret, key or parameter it does not know", () => {
        const other = "arn:aws:secretsmanager:us-east-1:123456789012:secret:nope";
        assert.deepEqual(store.resolve([{ name: "A", valueFrom: `${other}:k::` }]), {
            error:
                `${RETRIEVAL}: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${other} from secrets manager: ` +
                "ResourceNotFoundException: Secrets Manager can't find the specified secret.",
        });
        assert.deepEqual(store.resolve([{ name: "A", valueFrom: `${SM}:missing::` }]), {
            error: `${RETRIEVAL}: unable to retrieve secret from asm: retrieved secret from Secrets Manager did not contain json key missing`,
        });
        assert.deepEqual(store.resolve([{ name: "A", valueFrom: "/nope" }]), {
            error: `${RETRIEVAL}: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /nope`,
        });
        assert.deepEqual(store.resolve([]), { env: {} });
    });

    it("learns values later", () => {
        const later = new SecretStore();
        later.set("/x", "1");
        assert.deepEqual([later.known(), later.resolve([{ name: "X", valueFrom: "/x" }])], [["/x"], { env: { X: "1" } }]);
    });
});
