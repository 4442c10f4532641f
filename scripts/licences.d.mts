export declare const LIST_FILE: string;
export interface RuntimePackage { name: string; version: string; license: string; text: string | null }
export declare function runtimePackages(projectDir?: string): RuntimePackage[];
export declare function thirdPartyList(pkgs: RuntimePackage[]): string;
export declare function packagedLicenceProblem(distDir: string): string | null;
