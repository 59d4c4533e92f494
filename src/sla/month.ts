/**
 * An SLA month: a calendar month in the provider's time zone (Tencent and Alibaba bill
 * and measure by calendar month in China time, +08:00). Minutes = days × 24 × 60.
 */
export interface Month {
  label: string; // YYYY-MM
  utcOffsetMinutes: number;
  from: number; // epoch ms, inclusive
  to: number; // epoch ms, exclusive
  minutes: number;
}

export function parseMonth(label: string, utcOffsetMinutes = 0): Month | undefined {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(label);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  const shift = utcOffsetMinutes * 60_000;
  const from = Date.UTC(y, mo, 1) - shift;
  const to = Date.UTC(y, mo + 1, 1) - shift;
  return { label, utcOffsetMinutes, from, to, minutes: (to - from) / 60_000 };
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
