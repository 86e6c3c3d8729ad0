/**
 * One log line: a level, a message, and a few flat fields. What goes in is
 * chosen by the caller and never a secret: the request log (observe.ts) names
 * the route pattern, not the path or query string, and no header or body.
 */
export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  msg: string;
  [field: string]: string | number | boolean | null | undefined;
}

/**
 * Where the broker writes its log: one request line per answered request
 * (`createBroker({ logger })`) and, for `latchkey-broker`, its start and stop.
 * Without one, `createBroker` logs no requests (a host has its own logger).
 *
 * @example
 * const logger: Logger = { log: (entry) => myPino[entry.level](entry) };
 * const app = createBroker({ ...config, storage, logger });
 */
export interface Logger {
  log(entry: LogEntry): void;
}

/** How `latchkey-broker` logs (LATCHKEY_LOG): JSON lines, human lines, or no request lines. */
export type LogFormat = 'json' | 'pretty' | 'off';

const writeStdout = (line: string) => void process.stdout.write(`${line}\n`);

/**
 * One JSON object per line on stdout (or `write`), with the time first: what a
 * log collector (Loki, CloudWatch, Datadog) parses without a pattern.
 *
 * @example
 * jsonLogger().log({ level: 'info', msg: 'request', method: 'GET', route: '/health', status: 200 });
 * // {"time":"2026-12-06T09:00:00.000Z","level":"info","msg":"request","method":"GET","route":"/health","status":200}
 */
export function jsonLogger(write: (line: string) => void = writeStdout): Logger {
  return { log: (entry) => write(JSON.stringify({ time: new Date().toISOString(), ...entry })) };
}

/**
 * One readable line per entry, `latchkey: <msg> key=value …`, with an error's
 * description on the lines below: for a terminal.
 *
 * @example
 * prettyLogger().log({ level: 'info', msg: 'request', method: 'GET', route: '/health', status: 200 });
 * // latchkey: request method=GET route=/health status=200
 */
export function prettyLogger(write: (line: string) => void = writeStdout): Logger {
  return {
    log({ level: _level, msg, error, ...fields }) {
      const pairs = Object.entries(fields)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => ` ${key}=${value}`)
        .join('');
      write(`latchkey: ${msg}${pairs}${error ? `\n${error}` : ''}`);
    },
  };
}
