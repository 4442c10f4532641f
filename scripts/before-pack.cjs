/**
 * electron-builder's beforePack hook: an installer is never built from a renderer that runs on Handsontable's
 * evaluation key. The renderer build records which key it used in dist/build-licence.json (vite.config.ts);
 * without a real key the packaging stops here with the reason, before anything is packed.
 */
module.exports = async function beforePack(context) {
  const { join } = await import('node:path');
  const { packagedLicenceProblem } = await import('./licences.mjs');
  const projectDir = context?.packager?.projectDir ?? context?.packager?.info?.projectDir ?? process.cwd();
  const problem = packagedLicenceProblem(join(projectDir, 'dist'));
  if (problem) throw new Error(problem);
};
