/** Build-time settings (Vite `import.meta.env`): the renderer has no Node types. */
interface ImportMetaEnv {
  /** Handsontable licence key; a government deployment needs a commercial key (see STACK-NOTES) */
  readonly VITE_HOT_LICENSE?: string;
  readonly MODE: string;
  readonly DEV: boolean;
  readonly PROD: boolean;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

interface ImportMeta {
  /** Vite: the files matching `pattern`, resolved at build time (renderer/sets.ts finds the template sets so) */
  glob<T>(pattern: string, options: { eager: true; import: 'default' }): Record<string, T>;
}
/** true only in the build the e2e tests and the benchmark run (vite.config.ts) */
declare const __JUESUAN_TEST_HANDLES__: boolean;
