import { existsSync } from 'node:fs';

/**
 * Runs a command-line entry point. A clone of the repository has the TypeScript sources, so
 * `npx nadb-sim` there runs the code checked out (through tsx, a dev dependency) and never a stale
 * build; the installed package ships only dist/, which it runs.
 */
export async function launch(sourcePath, builtPath) {
  const source = new URL(`../${sourcePath}`, import.meta.url);
  if (!existsSync(source)) {
    await import(new URL(`../${builtPath}`, import.meta.url).href);
    return;
  }
  const { tsImport } = await import('tsx/esm/api');
  await tsImport(source.href, import.meta.url);
}
