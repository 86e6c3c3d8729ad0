/**
 * The bench's load generator and where it runs. `wrk` (Debian's `apt-get install wrk`)
 * where it is installed: written in C, it leaves the targets the CPU the
 * figures are about. Elsewhere (a laptop) autocannon, in this process, so
 * `pnpm bench` still runs. With two cores or more and `taskset` at hand, the
 * load generator (this process, and wrk) runs on core 0 and each target on
 * core 1, so they never take turns on one core.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

export interface Load {
  rps: number;
  p50: number;
  p99: number;
  /** Answers counted, for the CPU per request. */
  requests: number;
}

export interface Request {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
}

const hasCommand = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).error === undefined;

/** `wrk` when installed, unless BENCH_LOAD=autocannon. */
export const loadGenerator: 'wrk' | 'autocannon' = process.env.BENCH_LOAD !== 'autocannon' && hasCommand('wrk', ['--version']) ? 'wrk' : 'autocannon';

/** Whether targets and load get a core each (two cores or more, and `taskset`). */
export const pinned = cpus().length >= 2 && process.platform === 'linux' && hasCommand('taskset', ['-V']);

/** Moves every thread of `pid` onto `core` (threads made later inherit it). */
export function pin(pid: number, core: number): void {
  if (pinned) execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
}

/** The core the load generator runs on; targets get `TARGET_CORE`. */
export const LOAD_CORE = 0;
export const TARGET_CORE = 1;

/** wrk sends GET unless a script says otherwise. */
let postScript: string | undefined;
function wrkPostScript(): string {
  postScript ??= join(tmpdir(), `latchkey-bench-post-${process.pid}.lua`);
  writeFileSync(postScript, 'wrk.method = "POST"\n');
  return postScript;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** A wrk latency ("812.00us", "1.20ms", "2.01s") in ms. */
function wrkMs(value: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(value);
  if (!match) throw new Error(`wrk latency ${JSON.stringify(value)}`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/**
 * The figures of `wrk --latency` output; throws on any non-2xx answer or socket
 * error, so a broken target never reads as a fast one.
 */
export function parseWrk(output: string): Load {
  const number = (pattern: RegExp) => {
    const match = pattern.exec(output);
    if (!match) throw new Error(`wrk output without ${pattern}:\n${output}`);
    return match[1]!;
  };
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  if (non2xx) throw new Error(`${non2xx[1]} non-2xx answers`);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  if (errors && errors.slice(1).some((n) => Number(n) > 0)) throw new Error(`socket errors: ${errors[0]}`);
  return {
    rps: Number(number(/Requests\/sec:\s+([\d.]+)/)),
    p50: wrkMs(number(/^\s+50%\s+(\S+)/m)),
    p99: wrkMs(number(/^\s+99%\s+(\S+)/m)),
    requests: Number(number(/(\d+) requests in /)),
  };
}

async function wrk(url: string, request: Request, connections: number, seconds: number): Promise<Load> {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', ...Object.entries(request.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`])];
  if (request.method === 'POST') args.push('-s', wrkPostScript());
  const command = pinned ? 'taskset' : 'wrk';
  const child = spawn(command, pinned ? ['-c', String(LOAD_CORE), 'wrk', ...args, url] : [...args, url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`wrk exited with ${code}:\n${output}`);
  return parseWrk(output);
}

async function cannon(url: string, request: Request, connections: number, seconds: number): Promise<Load> {
  const result = await autocannon({ url, ...request, connections, pipelining: 1, duration: seconds });
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total };
}

/** `connections` clients sending `request` to `url` for `seconds`, with wrk or autocannon. */
export function load(url: string, request: Request, connections: number, seconds: number): Promise<Load> {
  return loadGenerator === 'wrk' ? wrk(url, request, connections, seconds) : cannon(url, request, connections, seconds);
}
