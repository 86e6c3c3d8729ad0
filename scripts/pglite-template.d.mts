/** The migrated template's folder in node_modules/.cache/latchkey (named by the migrations and PGlite's version). */
export function pgliteTemplateDir(): string;
/** Makes the template unless it is there; its folder. */
export function ensurePgliteTemplate(): Promise<string>;
/** Copies the template into `dataDir` when that folder is missing or empty; whether it copied. */
export function seedDataDirFromTemplate(dataDir: string): Promise<boolean>;
