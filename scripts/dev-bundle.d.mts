/** Where a dev bundle and the list of files it was made from live. */
export interface BundlePaths {
  bundle: string;
  manifest: string;
}
/** The dev bundles' entries (broker, dev-idp), relative to the repository. */
export const bundleEntries: Record<string, string>;
/** Dependencies left outside the bundles, imported from where pnpm installed them. */
export const keptOutside: RegExp[];
export function bundlePaths(name: string, dir?: string): BundlePaths;
/** Whether the bundle is missing, or one of its inputs is newer than it or gone. */
export function bundleIsStale(paths: BundlePaths): boolean;
/** Bundles `entry` (an absolute path) into `paths.bundle`, listing its inputs in `paths.manifest`. */
export function buildBundle(entry: string, paths: BundlePaths): Promise<void>;
/** The path of the bundle `name`, built first when stale. */
export function ensureBundle(name: string): Promise<string>;
