/** Bundle the server into `out` (default: dist/); resolves to the directory, ending in a slash. */
export function compileServer(out?: string): Promise<string>;
/** Bundle the server into a new directory under server/node_modules/.cache; resolves to it, ending in a slash. */
export function compileServerToCache(prefix?: string): Promise<string>;
