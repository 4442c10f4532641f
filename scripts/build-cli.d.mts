/** Types of scripts/build-cli.mjs for the tests that build the CLI bundle. */
export declare const OUT: string;
export declare const SOURCE_DIRS: string[];
export declare function buildCli(options?: { quiet?: boolean }): Promise<number>;
