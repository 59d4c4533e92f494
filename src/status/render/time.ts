import { html, type Html } from '../html.js';
import { fmtDateTime, fmtTime, iso } from './format.js';

/**
 * A duration up to now, kept current by the page script from `datetime` (so regions do not
 * change every second and are pushed only when something happened). `template` wraps the
 * duration ("ongoing for {}"); the text without script is the absolute start time.
 */
export function ago(t: number, template = '{}', long = false): Html {
  const fallback = long ? `since ${fmtDateTime(t)}` : `since ${fmtTime(t)}`;
  return html`<time class="ago" datetime="${iso(t)}" data-ago="${template}" title="${iso(t)}">${fallback}</time>`;
}
