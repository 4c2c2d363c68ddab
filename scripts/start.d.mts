// Types of scripts/start.mjs (plain JavaScript so that `npm start` needs no TypeScript loader).
export declare const HASH_FILE: string;
export declare function webSourceHash(root?: string): string;
export declare function serverSourceHash(root?: string): string;
export declare function buildReason(root?: string, hash?: string): string | null;
export declare function serverBuildReason(root?: string, hash?: string): string | null;
export declare function buildServer(root?: string, out?: string): Promise<number>;
