import { formatDuration } from '../common/index.js';
import { pct } from './downtime.js';
import type { MonthReport, ProviderRow } from './report.js';

export type ReportFormat = 'md' | 'json' | 'csv';

export function formatReport(r: MonthReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(r, null, 2) + '\n';
    case 'csv':
      return csv(r);
    case 'md':
      return markdown(r);
    default: {
      const never: never = format;
      return never;
    }
  }
}

const fmtMin = (m: number): string => (Number.isInteger(m) ? String(m) : m.toFixed(1));
const reqPct = (a: number | null): string => (a === null ? '—' : `${pct(a, 3)}%`);

/** Markdown tables: every dynamic cell escaped (pipes, newlines, HTML) so names cannot break the layout. */
function markdown(r: MonthReport): string {
  const L: string[] = [];
  L.push(`# SLA report ${cell(r.month)} (UTC${r.utcOffset})`, '');
  L.push(`${r.totalMinutes} minutes in the month. Generated ${new Date(r.generatedAt).toISOString()}${r.inProgress ? ' (month in progress)' : ''}.`, '');
  L.push('## Providers: measured availability against the published SLA', '');
  L.push('| provider | product | scope | unavailable min | availability | commitment | credit | est. credit | terms |');
  L.push('|---|---|---|---:|---:|---:|---:|---:|---|');
  for (const p of r.providers) {
    L.push(`| ${cell(p.provider)} | ${cell(p.productName ?? p.product ?? '—')} | ${cell(scope(p))} | ${fmtMin(p.unavailableMinutes)} | ${p.timeAvailabilityPct}% | ${p.commitment === null ? '—' : `${p.commitment}%`} | ${creditCell(p)} | ${p.estimatedCredit === null ? '—' : `${p.estimatedCredit.toFixed(2)} ${cell(p.currency ?? '')}`} | ${p.verified ? cell(p.confidence ?? '') : '**UNVERIFIED**'} |`);
  }
  L.push('', '## Services: what clients saw', '');
  L.push('| service | requests | 5xx to clients | request availability | all-down min | error budget spent |');
  L.push('|---|---:|---:|---:|---:|---:|');
  for (const s of r.services) {
    L.push(`| ${cell(s.service)} | ${s.requests} | ${s.failed} | ${reqPct(s.requestAvailability)} | ${fmtMin(s.downMinutes)} | ${(s.budgetSpent * 100).toFixed(1)}% of ${pct(s.objective, 3).replace(/\.?0+$/, '')}% |`);
  }
  L.push('', '## Pools', '');
  L.push('| service | pool | provider | region | down min | counted min | time availability | attempts | failed | attempt availability |');
  L.push('|---|---|---|---|---:|---:|---:|---:|---:|---:|');
  for (const p of r.pools) {
    L.push(`| ${cell(p.service)} | ${cell(p.pool)} | ${cell(p.provider ?? '—')} | ${cell(p.region ?? '—')} | ${fmtMin(p.downMinutes)} | ${fmtMin(p.unavailableMinutes)} | ${p.timeAvailabilityPct}% | ${p.requests} | ${p.failed} | ${reqPct(p.requestAvailability)} |`);
  }
  L.push('', '## Incidents', '');
  if (r.incidents.length === 0) L.push('None.');
  for (const i of r.incidents) {
    L.push(`- **${cell(i.id)}** ${cell(i.title)}: started ${new Date(i.startedAt).toISOString()}, ${i.durationMs === null ? `still ${cell(i.status)}` : `lasted ${formatDuration(i.durationMs)}`}, ${i.clientErrors} client-visible errors.`);
  }
  L.push('', '## Notes', '');
  for (const c of r.caveats) L.push(`- ${cell(c)}`);
  L.push('', '## Sources of the SLA terms', '');
  for (const p of r.providers.filter((x) => x.source !== null)) {
    L.push(`- ${cell(p.provider)} ${cell(p.product ?? '')}: ${cell(p.source ?? '')} (${cell(p.sourceDate ?? '')}; confidence ${cell(p.confidence ?? '')}). Unavailable minute: ${cell(p.definition ?? '')} Claim: ${cell(p.claim ?? '')}`);
  }
  return L.join('\n') + '\n';
}

function scope(p: ProviderRow): string {
  return [p.region, p.service].filter(Boolean).join(' / ') || 'all pools';
}

function creditCell(p: ProviderRow): string {
  if (p.meetsCommitment === true) return 'none (met)';
  if (p.creditPercent === null) return p.meetsCommitment === false ? 'unknown' : '—';
  return `${p.creditPercent}%`;
}

function cell(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

const CSV_HEADER = [
  'kind', 'service', 'pool', 'provider', 'region', 'product', 'observed_min', 'down_min', 'unavailable_min', 'time_availability_pct',
  'requests', 'failed', 'request_availability_pct', 'commitment_pct', 'credit_pct', 'monthly_spend', 'currency', 'estimated_credit', 'confidence', 'verified',
];

/** RFC 4180 CSV, one row per provider entry, service and pool, with a `kind` column. */
function csv(r: MonthReport): string {
  const rows: unknown[][] = [CSV_HEADER];
  const num = (n: number | null, d = 6) => (n === null ? '' : Number(n.toFixed(d)));
  const reqP = (a: number | null) => (a === null ? '' : num(a * 100));
  for (const p of r.providers) {
    rows.push(['provider', p.service ?? '', '', p.provider, p.region ?? '', p.product ?? '', num(p.observedMinutes, 2), num(p.downMinutes, 2), num(p.unavailableMinutes, 2),
      num(p.timeAvailability * 100), p.requests, p.failed, reqP(p.requestAvailability), p.commitment ?? '', p.creditPercent ?? '',
      p.monthlySpend ?? '', p.currency ?? '', p.estimatedCredit ?? '', p.confidence ?? '', p.verified]);
  }
  for (const s of r.services) {
    rows.push(['service', s.service, '', '', '', '', num(s.observedMinutes, 2), num(s.downMinutes, 2), num(s.unavailableMinutes, 2), num(s.timeAvailability * 100),
      s.requests, s.failed, reqP(s.requestAvailability), '', '', '', '', '', '', '']);
  }
  for (const p of r.pools) {
    rows.push(['pool', p.service, p.pool, p.provider ?? '', p.region ?? '', '', num(p.observedMinutes, 2), num(p.downMinutes, 2), num(p.unavailableMinutes, 2),
      num(p.timeAvailability * 100), p.requests, p.failed, reqP(p.requestAvailability), '', '', '', '', '', '', '']);
  }
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Quotes when needed; a leading =, +, - or @ is prefixed with ' so a spreadsheet does not run it as a formula (OWASP CSV injection). */
function csvCell(v: unknown): string {
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
