// The worker thread's entry: module hooks are per thread, so the TypeScript loader (tsx) is registered
// again here before cli/worker.ts is imported.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
