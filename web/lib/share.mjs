// What the "Share / embed" dialog offers for a state: the permalink, an iframe snippet (web/embed.html) and an
// <attention-view> element snippet; and the oEmbed answer for an embed URL. DOM-free; every piece of user text
// is escaped for the HTML attribute or text it lands in.
import { escapeXml as escapeHtml } from './export.mjs';
import { FIELDS, parseHash, writeHash } from './state.mjs';
import { STATE_ATTRIBUTES } from './view-rules.mjs';

export const EMBED_HEIGHT = 560;
const HEIGHT_SCRIPT = '<script>addEventListener("message", (e) => { if (e.data && e.data.type === "attention-playground:height")'
  + ' for (const f of document.querySelectorAll("iframe")) if (f.contentWindow === e.source) f.height = e.data.height; });</script>';

// The <attention-view> attributes for a playground state: everything that matters for teaching — the sentence,
// model, layer, head, token and view, the second sentence (comparison and cross-attention), the mask, √d_k,
// the temperature and the hidden special tokens — each left out when it is the default. Only the reader's own
// model stays behind (its files are on their computer): the embed shows the built-in one.
export function elementAttributes(state) {
  const attributes = {};
  for (const [name, attribute] of Object.entries(STATE_ATTRIBUTES)) {
    const value = name === 'model' && state.model === 'checkpoint' ? 'builtin' : state[name];
    const always = ['text', 'model', 'layer', 'head', 'token'].includes(name);
    if (!always && value === FIELDS[name].default) continue;
    attributes[attribute] = FIELDS[name].kind === 'boolean' ? (value ? '' : 'off') : String(value);
  }
  return attributes;
}

const iframeFor = (embedUrl, title, width = '100%', height = EMBED_HEIGHT) =>
  `<iframe src="${escapeHtml(embedUrl)}" title="${escapeHtml(title)}" width="${width}" height="${height}" loading="lazy" style="border: 0"></iframe>`;
const titleOf = (text) => `Self-attention on “${text}”`;

// siteUrl: the folder the playground is served from (ends in '/'), e.g. 'https://example.org/attention/'.
// Resolves to { permalink, embedUrl, iframe, element, oembed }; links of long texts carry a compressed hash.
export async function shareSnippets(state, siteUrl) {
  const hash = await writeHash(state);
  const embedUrl = `${siteUrl}embed.html${hash}`;
  const title = titleOf(state.text);
  const attributes = Object.entries(elementAttributes(state))
    .map(([name, value]) => (value === '' ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`)).join('');
  return {
    permalink: `${siteUrl}${hash}`,
    embedUrl,
    iframe: `${iframeFor(embedUrl, title)}\n${HEIGHT_SCRIPT}`,
    element: `<script src="${escapeHtml(`${siteUrl}dist/attention-view.js`)}"></script>\n`
      + `<attention-view${attributes}>${escapeHtml(title)} (an interactive view; it needs JavaScript)</attention-view>`,
    oembed: `${siteUrl}oembed.json?url=${encodeURIComponent(embedUrl)}`,
  };
}

// The oEmbed (https://oembed.com) "rich" answer for a playground or embed URL under siteUrl. The iframe keeps
// the URL's own hash. The title names the sentence of a plain hash; a compressed one (a long text) would need
// an asynchronous read, so its title says only that it is a long text.
export function oembedFor(url, siteUrl, { maxwidth, maxheight } = {}) {
  const hash = url.includes('#') ? url.slice(url.indexOf('#')) : '';
  const compressed = /^#z\d+=/.test(hash);
  const title = compressed ? 'Self-attention on a long text' : titleOf(parseHash(hash).text);
  const width = Math.min(Number(maxwidth) || 720, 720), height = Math.min(Number(maxheight) || EMBED_HEIGHT, EMBED_HEIGHT);
  return {
    version: '1.0', type: 'rich', provider_name: 'Attention playground', provider_url: siteUrl,
    title, width, height, html: iframeFor(`${siteUrl}embed.html${hash}`, title, width, height),
  };
}
