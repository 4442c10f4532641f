/** Types for scripts/validate-builder.mjs (used by tests/unit/safety-builder-config.test.ts). */
export declare function validateBuilderConfig(file?: string): Promise<string[]>;
export declare const builderVersion: string;
