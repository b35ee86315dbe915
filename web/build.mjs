// Bundles the web app into OUTDIR (default ./dist): hashed assets under assets/,
// index.html and docs.html pointing at them, and a copy of openapi.yaml for /docs.
//   node build.mjs OUTDIR [OPENAPI_YAML]
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { dirname, join, basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] || join(here, 'dist'));
const openapi = resolve(process.argv[3] || join(here, '..', 'openapi.yaml'));

await rm(out, { recursive: true, force: true });
await mkdir(join(out, 'assets'), { recursive: true });

const result = await build({
	entryPoints: { app: join(here, 'src/main.jsx') },
	bundle: true,
	format: 'esm',
	splitting: true,
	minify: true,
	sourcemap: true,
	target: ['es2020'],
	jsx: 'automatic',
	jsxImportSource: 'preact',
	loader: { '.json': 'json' },
	outdir: join(out, 'assets'),
	entryNames: '[name]-[hash]',
	chunkNames: '[name]-[hash]',
	assetNames: '[name]-[hash]',
	metafile: true,
	logLevel: 'warning',
});

// The entry's JS and CSS, as the HTML must name them.
let appJs = '', appCss = '';
for (const [file, meta] of Object.entries(result.metafile.outputs)) {
	if (meta.entryPoint && meta.entryPoint.endsWith('src/main.jsx') && file.endsWith('.js')) {
		appJs = '/assets/' + basename(file);
		if (meta.cssBundle) appCss = '/assets/' + basename(meta.cssBundle);
	}
}
if (!appJs) throw new Error('esbuild produced no entry script');

// Files copied as they are, under a name that carries their content hash.
async function hashedCopy(src, name) {
	const body = await readFile(src);
	const hash = createHash('sha256').update(body).digest('hex').slice(0, 10).toUpperCase();
	const dot = name.indexOf('.');
	const target = `${name.slice(0, dot)}-${hash}${name.slice(dot)}`;
	await writeFile(join(out, 'assets', target), body);
	return '/assets/' + target;
}
const swagger = join(here, 'node_modules/swagger-ui-dist');
const docsJs = await build({
	entryPoints: [join(here, 'src/docs.js')], bundle: true, minify: true, write: false, format: 'iife',
	target: ['es2020'], logLevel: 'warning',
});
await writeFile(join(out, 'docs-init.tmp.js'), docsJs.outputFiles[0].contents);
const swaggerJs = await hashedCopy(join(swagger, 'swagger-ui-bundle.js'), 'swagger-ui-bundle.js');
const swaggerCss = await hashedCopy(join(swagger, 'swagger-ui.css'), 'swagger-ui.css');
const docsInit = await hashedCopy(join(out, 'docs-init.tmp.js'), 'docs-init.js');
const docsCss = await hashedCopy(join(here, 'src/docs.css'), 'docs.css');
await rm(join(out, 'docs-init.tmp.js'));
await copyFile(openapi, join(out, 'openapi.yaml'));

const head = `<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<link rel="icon" href="data:,">`;
await writeFile(join(out, 'index.html'), `<!doctype html>
<html lang="es">
<head>
${head}
<title>turnero</title>
${appCss ? `<link rel="stylesheet" href="${appCss}">` : ''}
<script type="module" src="${appJs}"></script>
</head>
<body>
<div id="app"><noscript>turnero needs JavaScript.</noscript></div>
</body>
</html>
`);
await writeFile(join(out, 'docs.html'), `<!doctype html>
<html lang="en">
<head>
${head}
<title>turnero API reference</title>
<link rel="stylesheet" href="${swaggerCss}">
<link rel="stylesheet" href="${docsCss}">
</head>
<body>
<header class="docs-bar"><a href="/">turnero</a> · API reference (<a href="/openapi.yaml">openapi.yaml</a>)</header>
<main id="docs" aria-label="API reference"></main>
<script src="${swaggerJs}"></script>
<script src="${docsInit}"></script>
</body>
</html>
`);
console.log(`web: built ${appJs}${appCss ? ', ' + appCss : ''} and /docs into ${out}`);
