// `npm pack` makes a package that a clean project installs, imports in node, and type-checks against.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const project = mkdtempSync(join(tmpdir(), 'attention-package-'));
after(() => rmSync(project, { recursive: true, force: true }));
const run = (command, args, cwd = project) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('npm pack holds dist/ only, and a clean project installs it offline', () => {
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', project], root));
  const files = packed.files.map((f) => f.path).sort();
  for (const file of ['dist/attention.mjs', 'dist/attention-api.mjs', 'dist/attention.iife.js', 'dist/attention.umd.js', 'dist/attention.d.ts',
    'dist/attention-simd.wasm', 'dist/attention-scalar.wasm', 'dist/attention-simd.mjs', 'dist/attention-scalar.mjs',
    'dist/attention-threads.wasm', 'dist/attention-threads.mjs', 'dist/attention-threads.js', 'dist/attention-threads.cjs',
    'dist/attention-threads.worker.js', 'dist/attention-threads.worker.cjs',
    'dist/models/builtin-bidirectional.attn', 'dist/models/builtin-causal.attn', 'dist/attention-view.js',
    'dist/attention-view.builtin-lens.js', 'dist/PCRE2-LICENCE.txt', 'package.json']) {
    assert.ok(files.includes(file), `${file} is in the package`);
  }
  assert.ok(files.every((f) => f.startsWith('dist/') || ['package.json', 'README.md', 'LICENSE'].includes(f)), files.join(', '));
  // The offline playground, the service worker's list and the playground's bundles belong to the site, not to the package.
  for (const file of ['dist/attention-playground.html', 'dist/precache.js', 'dist/playground.mjs', 'dist/playground-worker.mjs']) {
    assert.ok(!files.includes(file), `${file} is not in the package`);
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(project, packed.filename)]);
});

test('the installed package imports in node and computes', () => {
  writeFileSync(join(project, 'use.mjs'), `
    import createAttention from 'attention-playground';
    const attn = await createAttention();
    const { weights } = attn.scaledDotProductAttention({ q: new Float32Array([1, 0]), k: new Float32Array([1, 0, 0, 1]),
      v: new Float32Array([1, 2]), n: 1, m: 2, dk: 2, dv: 1 });
    const model = await attn.loadModel('builtin');
    const threaded = await createAttention({ threads: 2 });
    const tokens = (await threaded.loadModel('builtin')).run('a cat').tokens;
    console.log(JSON.stringify({ simd: attn.simd, version: attn.version, weights: [...weights], tokens: model.run('a cat').tokens, threads: threaded.threads, threadedTokens: tokens }));`);
  const out = JSON.parse(run('node', ['use.mjs']));
  const e = Math.exp(1 / Math.sqrt(2));
  assert.equal(out.simd, true);
  assert.equal(out.version, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  assert.ok(Math.abs(out.weights[0] - e / (e + 1)) < 1e-6, String(out.weights));
  assert.deepEqual(out.tokens, ['[BOS]', 'a', ' cat'], 'the built-in model loads from the installed package');
  assert.equal(out.threads, 2, 'the threaded build starts from the installed package (its .cjs files)');
  assert.deepEqual(out.threadedTokens, out.tokens);
});

test('the hand-written types check an example that uses the whole API (tsc --noEmit, strict)', () => {
  cpSync(new URL('package-example/example.ts', import.meta.url), join(project, 'example.ts'));
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'node16', moduleResolution: 'node16', target: 'es2022', lib: ['es2022', 'dom'] },
    files: ['example.ts'],
  }));
  try {
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project]);
  } catch (error) {
    assert.fail(`tsc reported:\n${error.stdout}${error.stderr}`);
  }
});
