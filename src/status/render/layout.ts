import { html, raw, type Html } from '../html.js';
import type { Status } from '../view.js';
import { BANNER_TEXT } from './format.js';

export interface Shell {
  title: string;
  /** Where app.js, status.css and favicon.svg are served ("/dashboard/assets" or "/assets"). */
  assets: string;
  /** The SSE stream this page listens to. */
  events: string;
  version: string;
  bodyClass: string;
  csrf?: string;
  /** Server time, so the script can show durations without trusting the viewer's clock. */
  now: number;
  body: Html;
}

export function page(s: Shell): Html {
  return html`<html lang="en" data-events="${s.events}" data-now="${s.now}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${s.title}</title>
<link rel="stylesheet" href="${s.assets}/status.css?v=${s.version}">
<link rel="icon" href="${s.assets}/favicon.svg" type="image/svg+xml">
${s.csrf !== undefined ? html`<meta name="csrf-token" content="${s.csrf}">` : ''}
<script type="module" src="${s.assets}/app.js?v=${s.version}"></script>
</head>
<body class="${s.bodyClass}">
${s.body}
</body>
</html>`;
}

/** A region the client replaces when the server pushes a new version of it. */
export function region(id: string, content: Html, tag = 'div', extra = ''): Html {
  return html`<${raw(tag)} id="${id}" class="${extra}" data-region>${content}</${raw(tag)}>`;
}

const ICONS: Record<Status, string> = {
  operational: '<path d="M5 10.5l3.2 3.2L15 7" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>',
  degraded: '<path d="M10 5.5v5.5M10 14.2v.3" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/>',
  partial: '<path d="M10 5.5v5.5M10 14.2v.3" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/>',
  major: '<path d="M6.5 6.5l7 7M13.5 6.5l-7 7" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/>',
  maintenance: '<path d="M10 5.5v5l3 2" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/>',
};

export function statusIcon(s: Status): Html {
  return raw(`<svg class="icon" viewBox="0 0 20 20" aria-hidden="true">${ICONS[s]}</svg>`);
}

/** The "Updated" time is the page script's: the region itself only changes with the status. */
export function banner(overall: Status, detail: string): Html {
  return html`<div class="banner banner-${overall}" data-state="${overall}">
  <span class="banner-icon">${statusIcon(overall)}</span>
  <div class="banner-text"><strong>${BANNER_TEXT[overall]}</strong><span>${detail}</span></div>
  <span class="banner-time" data-updated></span>
</div>`;
}

export const LOGO = raw('<svg class="logo" viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="8" fill="#0b1220"/><path d="M8 20.5c0-5 3.6-9 8-9h6" fill="none" stroke="#38bdf8" stroke-width="3" stroke-linecap="round"/><path d="M19 8l4 3.5-4 3.5" fill="none" stroke="#38bdf8" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/><circle cx="8" cy="23" r="2.6" fill="#22c55e"/></svg>');
