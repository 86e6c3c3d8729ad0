export interface Pack { name: string; version: string; file: string; tarball: number; unpacked: number; files: number }
export function publishedPackages(): Array<{ name: string; version: string; dir: string }>;
export function tarballEntries(file: string): Array<{ path: string; size: number }>;
export function packAll(options?: { into?: string; build?: boolean; log?: (line: string) => void }): Promise<Pack[]>;
