// web/index.html names every module of the page's import graph as a modulepreload link, so that the browser
// fetches them all at once (first picture: issue 17, item 7), and nothing else: a module added to the graph
// without its link would load one level later again, a link left behind would fetch a file for nothing.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { moduleGraph } from '../../tools/build/module-graph.mjs';

test('index.html preloads exactly the modules app.mjs imports, directly or not', async () => {
  const html = await readFile(new URL('../../web/index.html', import.meta.url), 'utf8');
  const links = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map(([, href]) => `/${href}`);
  const graph = await moduleGraph('/app.mjs');
  assert.ok(graph.length > 20 && graph.includes('/dist/attention.mjs') && graph.includes('/lib/state.mjs'), 'the graph is read');
  assert.deepEqual([...links].sort(), [...graph].sort());
  assert.equal(new Set(links).size, links.length, 'no link twice');
});
