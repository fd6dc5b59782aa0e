// What the "Share / embed" dialog offers for a state: the permalink, an iframe snippet (web/embed.html) and an
// <attention-view> element snippet; and the oEmbed answer for an embed URL. DOM-free; every piece of user text
// is escaped for the HTML attribute or text it lands in.
import { escapeXml as escapeHtml } from './export.mjs';
import { parseHash, toHash } from './state.mjs';

export const EMBED_HEIGHT = 560;
const HEIGHT_SCRIPT = '<script>addEventListener("message", (e) => { if (e.data && e.data.type === "attention-playground:height")'
  + ' for (const f of document.querySelectorAll("iframe")) if (f.contentWindow === e.source) f.height = e.data.height; });</script>';

// The <attention-view> attributes for a playground state. The embed carries the sentence, model, layer, head,
// token, view and a causal mask; the what-if controls (no mask, √d_k, temperature) and the comparison stay behind,
// and so does the reader's own model (its files are on their computer): the embed shows the built-in one.
export function elementAttributes(state) {
  const model = state.model === 'checkpoint' ? 'builtin' : state.model;
  const attributes = {
    sentence: state.text, model, layer: String(state.layer), head: String(state.head), token: String(state.token),
  };
  if (state.view !== 'beams') attributes.view = state.view;
  if (state.mask === 'causal') attributes.causal = '';
  return attributes;
}

// siteUrl: the folder the playground is served from (ends in '/'), e.g. 'https://example.org/attention/'.
export function shareSnippets(state, siteUrl) {
  const hash = toHash(state);
  const embedUrl = `${siteUrl}embed.html${hash}`;
  const title = `Self-attention on “${state.text}”`;
  const iframe = `<iframe src="${escapeHtml(embedUrl)}" title="${escapeHtml(title)}" width="100%" height="${EMBED_HEIGHT}" loading="lazy" style="border: 0"></iframe>`;
  const attributes = Object.entries(elementAttributes(state))
    .map(([name, value]) => (value === '' ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`)).join('');
  return {
    permalink: `${siteUrl}${hash}`,
    embedUrl,
    iframe: `${iframe}\n${HEIGHT_SCRIPT}`,
    element: `<script src="${escapeHtml(`${siteUrl}dist/attention-view.js`)}"></script>\n`
      + `<attention-view${attributes}>${escapeHtml(title)} (an interactive view; it needs JavaScript)</attention-view>`,
    oembed: `${siteUrl}oembed.json?url=${encodeURIComponent(embedUrl)}`,
  };
}

// The oEmbed (https://oembed.com) "rich" answer for a playground or embed URL under siteUrl.
export function oembedFor(url, siteUrl, { maxwidth, maxheight } = {}) {
  const hash = url.includes('#') ? url.slice(url.indexOf('#')) : '';
  const state = parseHash(hash);
  const { iframe } = shareSnippets(state, siteUrl);
  const width = Math.min(Number(maxwidth) || 720, 720), height = Math.min(Number(maxheight) || EMBED_HEIGHT, EMBED_HEIGHT);
  return {
    version: '1.0', type: 'rich', provider_name: 'Attention playground', provider_url: siteUrl,
    title: `Self-attention on “${state.text}”`, width, height,
    html: iframe.split('\n')[0].replace('width="100%"', `width="${width}"`).replace(`height="${EMBED_HEIGHT}"`, `height="${height}"`),
  };
}
