import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../console/', import.meta.url));

/** Where the built console lives (gitignored); src/console/console-routes.ts serves it. */
export const CONSOLE_DIST = path.join(ROOT, 'dist');

/**
 * Bundles the operator console (console/src/main.ts and console/console.css) into
 * `console/dist/`: content-hashed assets plus the index.html that names them. Every file is
 * written to a temporary name and renamed, so a server (or a concurrent build) never reads half a
 * file.
 */
export async function buildConsole(outDir: string = CONSOLE_DIST): Promise<{ files: string[] }> {
  const assets = path.join(outDir, 'assets');
  mkdirSync(assets, { recursive: true });
  const result = await build({
    entryPoints: [path.join(ROOT, 'src/main.ts'), path.join(ROOT, 'console.css')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    entryNames: '[name]-[hash]',
    outdir: assets,
    write: false,
    logLevel: 'silent',
  });
  const names = result.outputFiles.map((file) => path.basename(file.path));
  const script = names.find((n) => /^main-.*\.js$/.test(n));
  const style = names.find((n) => /^console-.*\.css$/.test(n));
  if (!script || !style) throw new Error(`console build: unexpected outputs ${names.join(', ')}`);
  for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
  const html = readFileSync(path.join(ROOT, 'index.html'), 'utf8')
    .replace('%STYLE%', `/console/assets/${style}`)
    .replace('%SCRIPT%', `/console/assets/${script}`);
  writeAtomically(path.join(outDir, 'index.html'), html);
  // Assets of earlier builds are dead once index.html names the new ones.
  for (const old of readdirSync(assets)) {
    if (!names.includes(old) && !old.startsWith('.tmp-')) rmSync(path.join(assets, old), { force: true });
  }
  return { files: names };
}

function writeAtomically(file: string, contents: string | Uint8Array): void {
  const temporary = path.join(path.dirname(file), `.tmp-${process.pid}-${path.basename(file)}`);
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files } = await buildConsole();
  console.log(`console built: ${files.join(', ')}`);
}
