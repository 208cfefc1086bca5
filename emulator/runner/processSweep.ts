/**
 * Finding and killing the processes of a container (Linux `/proc`).
 *
 * A container's processes are its main process, that process's descendants, and
 * any process whose environment carries the container's marker variable: the
 * latter catches orphans (`sh -c 'sleep 100 &'`) that were re-parented once
 * their parent exited. Elsewhere than Linux only the main process is known.
 * Everything here is synchronous so it can run in a process `exit` handler.
 */
import { readdirSync, readFileSync } from "node:fs";

/** The environment variable that marks a container's processes. */
export const MARKER_VARIABLE = "ECS_CONTAINER_METADATA_URI_V4";

interface ProcInfo {
    pid: number;
    ppid: number;
}

function listProcesses(): ProcInfo[] {
    let names: string[];
    try {
        names = readdirSync("/proc");
    } catch {
        return [];
    }
    const out: ProcInfo[] = [];
    for (const name of names) {
        if (!/^\d+$/.test(name)) continue;
        try {
            const stat = readFileSync(`/proc/${name}/stat`, "utf8");
            const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            out.push({ pid: Number(name), ppid: Number(fields[1]) });
        } catch {
            // gone meanwhile
        }
    }
    return out;
}

function markerOf(pid: number): string | undefined {
    try {
        const env = readFileSync(`/proc/${pid}/environ`, "utf8");
        const key = `${MARKER_VARIABLE}=`;
        const at = env.indexOf(key);
        if (at < 0) return undefined;
        const end = env.indexOf("\0", at);
        return env.slice(at + key.length, end < 0 ? undefined : end);
    } catch {
        return undefined;
    }
}

/**
 * Pids of the processes that belong to the given containers: descendants of
 * `roots` (live main processes) and processes whose marker is in `markers`.
 * Never includes this process.
 */
export function findContainerProcesses(roots: number[], markers: ReadonlySet<string>): number[] {
    const procs = listProcesses();
    if (procs.length === 0) return [];
    const found = new Set<number>();
    const children = new Map<number, number[]>();
    for (const p of procs) {
        const list = children.get(p.ppid) ?? [];
        list.push(p.pid);
        children.set(p.ppid, list);
    }
    const stack = [...roots];
    while (stack.length > 0) {
        const pid = stack.pop() as number;
        for (const child of children.get(pid) ?? []) {
            if (!found.has(child)) {
                found.add(child);
                stack.push(child);
            }
        }
    }
    if (markers.size > 0) {
        for (const p of procs) {
            if (p.pid === process.pid || found.has(p.pid)) continue;
            const marker = markerOf(p.pid);
            if (marker !== undefined && markers.has(marker)) found.add(p.pid);
        }
    }
    found.delete(process.pid);
    return [...found];
}

/** Sends a signal, ignoring processes that are already gone. */
export function signal(pid: number, sig: NodeJS.Signals): void {
    try {
        process.kill(pid, sig);
    } catch {
        // already gone
    }
}
