// Type-checks the web app's API client layer against openapi.yaml:
//   node typecheck.mjs OUTDIR [OPENAPI_YAML]
// generates OUTDIR/openapi.d.ts with openapi-typescript (pinned in package.json), writes
// OUTDIR/tsconfig.json (web/tsconfig.json with 'turnero-openapi' pointing at that file)
// and runs tsc --noEmit on the // @ts-check files of the client layer. Exits non-zero on
// any type error, so openapi.yaml and the calls the pages make cannot drift apart.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] || join(here, 'dist-types'));
const openapi = resolve(process.argv[3] || join(here, '..', 'openapi.yaml'));
const CHECKED = ['src/api.js', 'src/endpoints.js', 'src/calls.js', 'src/live.js', 'src/store.js', 'src/api-types.d.ts'];

await mkdir(out, { recursive: true });
const run = (bin, args) => execFileSync(process.execPath, [join(here, 'node_modules', bin), ...args], { stdio: 'inherit' });
run('openapi-typescript/bin/cli.js', [openapi, '--output', join(out, 'openapi.d.ts'), '--silent']);
await writeFile(join(out, 'tsconfig.json'), JSON.stringify({
	extends: join(here, 'tsconfig.json'),
	compilerOptions: { paths: { 'turnero-openapi': [join(out, 'openapi.d.ts')] }, tsBuildInfoFile: null },
	files: CHECKED.map((f) => join(here, f)),
}, null, '\t') + '\n');
try {
	run('typescript/bin/tsc', ['-p', join(out, 'tsconfig.json')]);
} catch (_) {
	console.error('web: the API client does not match openapi.yaml (tsc errors above)');
	process.exit(1);
}
console.log(`web: API client type-checked against ${openapi}`);
