import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");

function sources(dir: string): string[] {
    return fs
        .readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith(".ts"))
        .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

/** Module specifiers a file loads (`import ... from`, `export ... from`, `require(...)`, `import(...)`), type-only imports excluded. */
function loads(file: string): string[] {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const found: string[] = [];
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^;]*?from\s+"([^"]+)"/gms)) found.push(m[1]);
    for (const m of text.matchAll(/(?:require|import)\("([^"]+)"\)/g)) found.push(m[1]);
    return found;
}

function resolvesInto(file: string, spec: string, folder: string): boolean {
    if (!spec.startsWith(".")) return false;
    const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec));
    return target === folder || target.startsWith(`${folder}/`);
}

/** The design, as the folder listing promises it. */
describe("architecture", () => {
    it("the emulator never loads the provider, and the provider never loads the emulator", () => {
        for (const file of sources("emulator")) {
            for (const spec of loads(file)) assert.ok(!resolvesInto(file, spec, "provider"), `${file} loads ${spec}`);
        }
        for (const file of sources("provider")) {
            for (const spec of loads(file)) assert.ok(!resolvesInto(file, spec, "emulator"), `${file} loads ${spec}`);
        }
    });

    it("only provider/aws loads the AWS SDK at run time (every other layer uses its types only)", () => {
        for (const file of sources("provider")) {
            const sdk = loads(file).filter((s) => s.startsWith("@aws-sdk/"));
            if (!file.startsWith("provider/aws/")) assert.deepEqual(sdk, [], `${file} loads ${sdk.join(", ")}`);
        }
    });

    it("plan/ is pure: it loads no SDK, no I/O module and no other layer of the provider", () => {
        const io = ["node:fs", "fs", "node:http", "http", "node:child_process", "child_process", "node:net", "net"];
        for (const file of sources("provider/plan")) {
            for (const spec of loads(file)) {
                assert.ok(!spec.startsWith("@aws-sdk/") && !io.includes(spec), `${file} loads ${spec}`);
                for (const layer of ["provider/aws", "provider/run", "provider/lifecycle"]) {
                    assert.ok(!resolvesInto(file, spec, layer), `${file} loads ${spec}`);
                }
            }
        }
    });
});
