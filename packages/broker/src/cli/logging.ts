import { jsonLogger, prettyLogger, type Logger, type LogFormat } from '../index.js';

/**
 * The loggers of `latchkey-broker` for a LATCHKEY_LOG format: `lifecycle` takes
 * its start and stop lines (always written), `requests` the line per answered
 * request (none with `off`). With `json` every line on stdout is a JSON object;
 * with `off` the start and stop lines read `latchkey: …`, as `pretty` writes them.
 *
 * @example
 * const { lifecycle, requests } = cliLoggers('json');
 * lifecycle('Broker listening on http://0.0.0.0:8787'); // {"time":"…","level":"info","msg":"Broker listening on …"}
 */
export function cliLoggers(format: LogFormat, write?: (line: string) => void): { lifecycle: (line: string) => void; requests: Logger | undefined } {
  const logger = format === 'json' ? jsonLogger(write) : prettyLogger(write);
  return { lifecycle: (line) => logger.log({ level: 'info', msg: line }), requests: format === 'off' ? undefined : logger };
}
