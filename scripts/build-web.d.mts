/** Types of build-web.mjs for the TypeScript tests that build the console before driving it. */
export function webBuildIsStale(): boolean;
export function ensureWebBuilt(opts?: { force?: boolean; quiet?: boolean }): Promise<boolean>;
