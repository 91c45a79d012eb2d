/**
 * HTML5 for browsers (conformance class html, OGC 17-069r4 §10.2): every piece of information
 * and every link of the JSON document, as plain pages without scripts.
 */
import type { Link } from './ogcapi-documents.js';

const esc = (v: unknown) =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const cell = (v: unknown) => `<td>${esc(v !== null && typeof v === 'object' ? JSON.stringify(v) : v)}</td>`;

function linkList(links: Link[]): string {
  return `<ul class="links">${links
    .map(
      (l) =>
        `<li><a href="${esc(l.href)}" rel="${esc(l.rel)}" type="${esc(l.type)}">${esc(l.title ?? l.href)}</a> (${esc(l.rel)}, ${esc(l.type)})</li>`,
    )
    .join('')}</ul>`;
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}</style>
</head><body><h1>${esc(title)}</h1>
${body}
</body></html>`;
}

export function landingHtml(doc: { title: string; description: string; links: Link[] }): string {
  return page(doc.title, `<p>${esc(doc.description)}</p>${linkList(doc.links)}`);
}

export function conformanceHtml(doc: { conformsTo: string[]; links: Link[] }): string {
  return page(
    'Conformance classes',
    `<ul>${doc.conformsTo.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>${linkList(doc.links)}`,
  );
}

interface CollectionDoc {
  id: string;
  title: string;
  description: string;
  extent?: unknown;
  links: Link[];
}

export function collectionHtml(doc: CollectionDoc): string {
  const extent = doc.extent ? `<h2>Extent</h2><pre>${esc(JSON.stringify(doc.extent, null, 2))}</pre>` : '';
  return page(doc.title, `<p>Id: <code>${esc(doc.id)}</code></p><p>${esc(doc.description)}</p>${extent}${linkList(doc.links)}`);
}

export function collectionsHtml(doc: { collections: CollectionDoc[]; links: Link[] }): string {
  const rows = doc.collections
    .map((c) => {
      const self = c.links.find((l) => l.rel === 'self');
      // §10.2 (html): all information and every link, so each collection's links too.
      const extent = c.extent ? cell(c.extent) : '<td></td>';
      return `<tr><td><a href="${esc(self?.href)}?f=html">${esc(c.id)}</a></td>${cell(c.title)}${cell(c.description)}${extent}<td>${linkList(c.links)}</td></tr>`;
    })
    .join('');
  return page(
    'Collections',
    `<table><tr><th>id</th><th>title</th><th>description</th><th>extent</th><th>links</th></tr>${rows}</table>${linkList(doc.links)}`,
  );
}

interface FeatureDoc {
  id: string | number;
  geometry: { coordinates: number[] } | null;
  properties: Record<string, unknown>;
  links?: Link[];
}

export function itemsHtml(
  title: string,
  base: string,
  doc: { features: FeatureDoc[]; links: Link[]; numberMatched?: number; numberReturned: number; timeStamp: string },
): string {
  const columns = [...new Set(doc.features.flatMap((f) => Object.keys(f.properties)))];
  const rows = doc.features
    .map(
      (f) =>
        `<tr><td><a href="${esc(base)}/items/${esc(encodeURIComponent(String(f.id)))}?f=html">${esc(f.id)}</a></td>${cell(f.geometry?.coordinates.join(', '))}${columns.map((c) => cell(f.properties[c])).join('')}</tr>`,
    )
    .join('');
  const counts = `<p>${doc.numberReturned} features${doc.numberMatched === undefined ? '' : ` of ${doc.numberMatched}`}, at ${esc(doc.timeStamp)}.</p>`;
  const head = `<tr><th>id</th><th>lon, lat</th>${columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  return page(title, `${counts}<table>${head}${rows}</table>${linkList(doc.links)}`);
}

export function featureHtml(doc: FeatureDoc & { links: Link[] }): string {
  const rows = Object.entries(doc.properties)
    .map(([k, v]) => `<tr><th>${esc(k)}</th>${cell(v)}</tr>`)
    .join('');
  const where = `<tr><th>lon, lat</th>${cell(doc.geometry?.coordinates.join(', '))}</tr>`;
  return page(`Feature ${doc.id}`, `<table>${where}${rows}</table>${linkList(doc.links)}`);
}

/** The service-doc: the API definition's paths and parameters, readable. */
export function apiHtml(doc: { info: { title: string; description: string }; paths: Record<string, unknown> }): string {
  const paths = Object.entries(doc.paths)
    .map(([path, ops]) => {
      const get = (ops as { get: { summary: string; parameters: { name?: string; $ref?: string }[] } }).get;
      const params = get.parameters.map((p) => p.name ?? p.$ref?.split('/').pop()).join(', ');
      return `<tr>${cell(`GET ${path}`)}${cell(get.summary)}${cell(params)}</tr>`;
    })
    .join('');
  return page(
    doc.info.title,
    `<p>${esc(doc.info.description)}</p><table><tr><th>path</th><th>what</th><th>parameters</th></tr>${paths}</table><p><a href="?f=json">OpenAPI 3.0 (JSON)</a></p>`,
  );
}

export function queryablesHtml(doc: {
  title: string;
  properties: Record<string, { description: string; type: string }>;
}): string {
  const rows = Object.entries(doc.properties)
    .map(([name, p]) => `<tr>${cell(name)}${cell(p.type)}${cell(p.description)}</tr>`)
    .join('');
  return page(
    `Queryables of ${doc.title}`,
    `<p>Usable in <code>filter</code> (Basic CQL2 text) and as query parameters.</p><table><tr><th>name</th><th>type</th><th>description</th></tr>${rows}</table><p><a href="?f=json">JSON Schema</a></p>`,
  );
}
