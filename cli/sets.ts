/** bin/juesuan sets [--json]: the template sets found under templates/ (see cli/new.ts). */
export { runSets as run } from './new.js';
