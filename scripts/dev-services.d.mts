/** A dev service: `node ...args` run in `cwd` (relative to the repository). */
export interface DevService {
  cwd: string;
  args: string[];
}
/** How `pnpm start` and the e2e suite run the broker, the dev IdP and the demo. */
export const devServices: { broker: DevService; devIdp: DevService; demo: DevService };
