import { describe, expect, it } from 'vitest';
import { parseWrk } from './load.js';

const output = (extra = '') => `Running 5s test @ http://127.0.0.1:40123/v1/session/token
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.21ms  512.33us  12.01ms   90.12%
    Req/Sec    10.01k   400.12    10.50k    80.00%
  Latency Distribution
     50%  812.00us
     75%    3.40ms
     90%    3.80ms
     99%    1.20s
  49812 requests in 5.00s, 9.12MB read
${extra}Requests/sec:   9962.40
Transfer/sec:      1.82MB
`;

describe('parseWrk', () => {
  it('reads req/s, the answers counted and the median and 99th percentile in ms', () => {
    expect(parseWrk(output())).toEqual({ rps: 9962.4, p50: 0.812, p99: 1200, requests: 49812 });
  });

  it('refuses a run with non-2xx answers or socket errors, so a broken target never reads as a fast one', () => {
    expect(() => parseWrk(output('  Non-2xx or 3xx responses: 12\n'))).toThrow(/12 non-2xx/);
    expect(() => parseWrk(output('  Socket errors: connect 0, read 3, write 0, timeout 0\n'))).toThrow(/socket errors/);
    expect(parseWrk(output('  Socket errors: connect 0, read 0, write 0, timeout 0\n')).requests).toBe(49812);
  });
});
