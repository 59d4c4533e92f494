/**
 * The stylesheet of the dashboard and public page, served as /assets/status.css (a file,
 * not inline styles, so the CSP can forbid inline style). System fonts only: a status
 * page must render when everything else is down, without a font CDN.
 */
export const STYLES = String.raw`
:root {
  --bg: #f5f6f8; --card: #fff; --border: #e4e7ec; --border-soft: #eef0f3; --text: #101828; --muted: #667085;
  --ok: #12b76a; --ok-bg: #ecfdf3; --ok-ink: #027a48;
  --degraded: #eaaa08; --degraded-bg: #fefbe8; --degraded-ink: #a15c07;
  --partial: #f79009; --partial-bg: #fffaeb; --partial-ink: #b54708;
  --major: #f04438; --major-bg: #fef3f2; --major-ink: #b42318;
  --maint: #2e90fa; --maint-bg: #eff8ff; --maint-ink: #175cd3;
  --none: #e4e7ec; --accent: #1570ef;
  --font: Inter, "Segoe UI", -apple-system, BlinkMacSystemFont, Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", "DejaVu Sans", sans-serif;
  --mono: "SF Mono", ui-monospace, Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.5 var(--font); -webkit-font-smoothing: antialiased; }
body.public { font-size: 15px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, .mono { font-family: var(--mono); font-size: .88em; }
h1, h2, h3 { margin: 0; font-weight: 600; letter-spacing: -.01em; }
h3 { font-size: 16px; }
.muted { color: var(--muted); font-weight: 400; }
.small { font-size: 12px; }
.container { max-width: 1180px; margin: 0 auto; padding: 24px 20px 8px; }
.container.narrow { max-width: 880px; }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 12px; box-shadow: 0 1px 2px rgba(16, 24, 40, .04); }
.section-title { font-size: 15px; margin: 32px 0 12px; display: flex; gap: 10px; align-items: baseline; }
.section-title .muted { font-size: 13px; }
.empty { color: var(--muted); background: var(--card); border: 1px dashed var(--border); border-radius: 12px; padding: 20px; margin: 0; text-align: center; }
.wide-only { }
.narrow-only { display: none; }

/* top bar (dashboard) */
.topbar { background: #0b1220; color: #e6edf6; }
.topbar-inner { max-width: 1180px; margin: 0 auto; padding: 0 20px; height: 56px; display: flex; align-items: center; justify-content: space-between; gap: 16px; }
.brand { display: flex; align-items: center; gap: 10px; color: #fff; font-weight: 600; font-size: 15px; }
.brand:hover { text-decoration: none; }
.brand-sub { color: #94a3b8; font-weight: 400; padding-left: 10px; border-left: 1px solid #334155; }
.logo { width: 28px; height: 28px; display: block; }
.topnav { display: flex; align-items: center; gap: 16px; }
.topnav a { color: #cbd5e1; }
.topnav form { margin: 0; }

/* live indicator */
.live { display: inline-flex; align-items: center; gap: 6px; font-size: 12px; font-weight: 500; color: var(--muted); }
.topbar .live { color: #cbd5e1; }
.live i { width: 8px; height: 8px; border-radius: 50%; background: var(--degraded); }
.live[data-live="live"] i { background: var(--ok); box-shadow: 0 0 0 3px rgba(18, 183, 106, .25); animation: pulse 2s infinite; }
.live[data-live="offline"] i { background: var(--major); }
.live[data-live="offline"] span::after { content: " (reload)"; }
@keyframes pulse { 50% { box-shadow: 0 0 0 6px rgba(18, 183, 106, 0); } }

/* banner */
.banner { display: flex; align-items: center; gap: 14px; padding: 16px 20px; border-radius: 12px; color: #fff; background: var(--ok); }
.banner-degraded { background: var(--degraded); }
.banner-partial { background: var(--partial); }
.banner-major { background: var(--major); }
.banner-maintenance { background: var(--maint); }
.banner-icon { width: 34px; height: 34px; border-radius: 50%; background: rgba(255, 255, 255, .22); display: grid; place-items: center; flex: none; }
.banner-icon .icon { width: 20px; height: 20px; }
.banner-text { display: flex; flex-direction: column; flex: 1; min-width: 0; }
.banner-text strong { font-size: 18px; font-weight: 600; }
.banner-text span { opacity: .9; font-size: 13px; }
.banner-time { font-size: 12px; opacity: .85; white-space: nowrap; }

/* stats */
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin-top: 16px; }
.stat { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 14px 16px; display: flex; flex-direction: column; }
.stat-label { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); font-weight: 600; }
.stat-value { font-size: 26px; font-weight: 600; letter-spacing: -.02em; line-height: 1.3; font-variant-numeric: tabular-nums; }
.stat-note { font-size: 12px; color: var(--muted); }
.stat-warn .stat-value { color: var(--partial-ink); }
.stat-bad .stat-value { color: var(--major-ink); }

/* providers */
.providers { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 12px; }
.provider { display: flex; align-items: center; gap: 12px; background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 12px 16px; }
.provider > div { display: flex; flex-direction: column; flex: 1; min-width: 0; }
.provider .status-text { font-size: 12px; }

/* status colours */
.dot { width: 9px; height: 9px; border-radius: 50%; display: inline-block; flex: none; background: var(--none); }
.dot-operational { background: var(--ok); }
.dot-degraded { background: var(--degraded); }
.dot-partial { background: var(--partial); }
.dot-major { background: var(--major); }
.dot-maintenance { background: var(--maint); }
.pill { display: inline-flex; align-items: center; padding: 3px 10px; border-radius: 999px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.pill-operational, .pill-incident-resolved { background: var(--ok-bg); color: var(--ok-ink); }
.pill-degraded { background: var(--degraded-bg); color: var(--degraded-ink); }
.pill-partial, .pill-incident-mitigated { background: var(--partial-bg); color: var(--partial-ink); }
.pill-major, .pill-incident-detected { background: var(--major-bg); color: var(--major-ink); }
.pill-maintenance, .pill-incident-monitoring { background: var(--maint-bg); color: var(--maint-ink); }
.status-text { display: inline-flex; align-items: center; gap: 5px; font-weight: 600; font-size: 13px; white-space: nowrap; }
.status-text .icon { width: 16px; height: 16px; }
.status-operational { color: var(--ok-ink); }
.status-degraded { color: var(--degraded-ink); }
.status-partial { color: var(--partial-ink); }
.status-major { color: var(--major-ink); }
.status-maintenance { color: var(--maint-ink); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 6px; font-size: 11.5px; font-weight: 500; background: #f2f4f7; color: #344054; border: 1px solid var(--border); }
.badge-ok { background: var(--ok-bg); color: var(--ok-ink); border-color: #abefc6; }
.badge-warn { background: var(--partial-bg); color: var(--partial-ink); border-color: #fedf89; }
.badge-info { background: var(--maint-bg); color: var(--maint-ink); border-color: #b2ddff; }

/* uptime bars */
.uptime { margin: 16px 0 4px; }
.bars { display: flex; gap: 2px; height: 34px; }
.bar { flex: 1; border-radius: 2px; background: var(--none); min-width: 2px; }
.bar:hover { opacity: .7; }
.bar-up { background: var(--ok); }
.bar-degraded { background: var(--degraded); }
.bar-partial { background: var(--partial); }
.bar-down { background: var(--major); }
.uptime-legend { display: flex; align-items: center; gap: 8px; font-size: 12px; color: var(--muted); margin-top: 6px; }
.uptime-legend .rule { flex: 1; height: 1px; background: var(--border); }
.uptime-pct { color: #344054; font-weight: 500; }

/* service cards (dashboard) */
.service { padding: 20px; margin-bottom: 16px; }
.card-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 16px; }
.card-title p { margin: 2px 0 0; font-size: 13px; }
.pool { margin-top: 16px; border-top: 1px solid var(--border-soft); padding-top: 14px; }
.pool-head { display: flex; align-items: center; flex-wrap: wrap; gap: 8px; }
.pool-meta { margin-left: auto; font-size: 12.5px; }
.endpoints { width: 100%; border-collapse: collapse; margin-top: 8px; font-size: 13px; table-layout: fixed; }
.c-url { width: 24%; } .c-state { width: 15%; } .c-for { width: 9%; } .c-num { width: 8%; } .c-act { width: 96px; }
.endpoints td.mono { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.endpoints th { text-align: left; font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); font-weight: 600; padding: 6px 8px; border-bottom: 1px solid var(--border); }
.endpoints td { padding: 7px 8px; border-bottom: 1px solid var(--border-soft); vertical-align: middle; }
.endpoints tr:last-child td { border-bottom: 0; }
.endpoints .num { text-align: right; font-variant-numeric: tabular-nums; }
.endpoints .reason { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: var(--muted); }
.endpoints .actions { text-align: right; width: 1%; }
.endpoints form { margin: 0; }
.row-major td { background: #fffbfa; }
.state { display: inline-flex; align-items: center; gap: 6px; font-weight: 500; }
.state-major { color: var(--major-ink); }
.state-maintenance { color: var(--maint-ink); }

/* buttons and inputs */
.btn { font: inherit; font-size: 13px; font-weight: 500; border: 1px solid #d0d5dd; background: #fff; color: #344054; border-radius: 8px; padding: 6px 12px; cursor: pointer; box-shadow: 0 1px 2px rgba(16, 24, 40, .05); }
.btn:hover { background: #f9fafb; }
.btn-small { padding: 2px 10px; font-size: 12px; }
.btn-primary { background: var(--accent); border-color: var(--accent); color: #fff; }
.btn-primary:hover { background: #175cd3; }
.btn-ghost { background: transparent; color: #cbd5e1; border-color: #334155; box-shadow: none; }
.btn-ghost:hover { background: #1e293b; }
.btn-block { width: 100%; padding: 9px 12px; font-size: 14px; }
.btn:disabled { opacity: .5; cursor: not-allowed; }
.input { font: inherit; border: 1px solid #d0d5dd; border-radius: 8px; padding: 8px 12px; width: 100%; background: #fff; color: var(--text); }
.input:focus { outline: 2px solid #84caff; outline-offset: 0; border-color: #84caff; }

/* charts */
.charts { display: grid; gap: 16px; }
.chart-card { padding: 16px 20px 14px; }
.chart-pair { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; margin-top: 10px; }
.chart { margin: 0; min-width: 0; }
.chart figcaption { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; font-size: 12.5px; margin-bottom: 6px; flex-wrap: wrap; }
.chart-title { font-weight: 600; color: #344054; }
.chart-legend { display: flex; gap: 12px; color: var(--muted); }
.legend-item b { color: var(--text); font-weight: 600; font-variant-numeric: tabular-nums; }
.key { display: inline-block; width: 12px; height: 3px; border-radius: 2px; vertical-align: middle; margin-right: 5px; }
.key.s-p50 { background: #2e90fa; }
.key.s-p95 { background: #7a5af8; }
.key.s-err { background: var(--major); }
.chart-plot { position: relative; height: 140px; }
.chart-plot svg { width: 100%; height: 100%; display: block; overflow: visible; }
.chart-ymax { position: absolute; top: -2px; left: 0; font-size: 11px; color: var(--muted); background: rgba(255, 255, 255, .85); padding-right: 4px; }
.chart-empty { position: absolute; inset: 0; display: grid; place-items: center; color: var(--muted); font-size: 12.5px; }
.chart-x { display: flex; justify-content: space-between; font-size: 11px; color: var(--muted); margin-top: 4px; }
.line { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
.line.s-p50 { stroke: #2e90fa; }
.line.s-p95 { stroke: #7a5af8; }
.line.s-err { stroke: var(--major); }
.area.s-err { fill: rgba(240, 68, 56, .12); stroke: none; }
.grid { stroke: var(--border-soft); stroke-width: 1; }
.axis { stroke: #d0d5dd; stroke-width: 1; }

/* incidents */
.incident { background: var(--card); border: 1px solid var(--border); border-left: 4px solid var(--major); border-radius: 12px; padding: 16px 20px; margin-bottom: 12px; }
.incident-mitigated { border-left-color: var(--partial); }
.incident-monitoring { border-left-color: var(--maint); }
.incident-resolved { border-left-color: var(--ok); }
.incident-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 16px; }
.incident-head p { margin: 2px 0 0; font-size: 13px; }
details.incident > summary { list-style: none; cursor: pointer; }
details.incident > summary::-webkit-details-marker { display: none; }
details.incident .pill::after { content: ""; width: 6px; height: 6px; margin: 0 2px 3px 9px; border-right: 2px solid currentColor; border-bottom: 2px solid currentColor; transform: rotate(45deg); }
details.incident[open] .pill::after { transform: rotate(-135deg); margin-bottom: -3px; }
details.incident:not([open]) { padding-top: 12px; padding-bottom: 12px; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px 16px; margin: 14px 0 0; padding: 12px 14px; background: #f9fafb; border-radius: 8px; }
.facts dt { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); font-weight: 600; }
.facts dd { margin: 0; font-size: 13px; font-weight: 500; overflow-wrap: anywhere; }
.timeline { list-style: none; margin: 14px 0 0; padding: 0 0 0 14px; border-left: 2px solid var(--border-soft); }
.tl { position: relative; display: grid; grid-template-columns: 84px 104px 1fr; gap: 8px; padding: 5px 0 5px 10px; font-size: 13px; }
.tl::before { content: ""; position: absolute; left: -20px; top: 11px; width: 10px; height: 10px; border-radius: 50%; background: #fff; border: 2px solid #98a2b3; }
.tl time { color: var(--muted); font-variant-numeric: tabular-nums; }
.tl-label { font-weight: 600; }
.tl-text { overflow-wrap: anywhere; color: #344054; }
.tl-detected::before, .tl-all-down::before, .tl-endpoint-down::before { border-color: var(--major); }
.tl-failover::before, .tl-mitigated::before { border-color: var(--partial); }
.tl-monitoring::before { border-color: var(--maint); }
.tl-resolved::before, .tl-endpoint-up::before, .tl-failback::before { border-color: var(--ok); background: var(--ok); }
.note-form { display: flex; gap: 8px; margin-top: 12px; }
.note-form .btn { white-space: nowrap; }
.note-form .select { width: auto; flex: none; }

/* public page */
.public-header { background: var(--card); border-bottom: 1px solid var(--border); }
.public-header .container { display: flex; align-items: center; justify-content: space-between; padding-top: 22px; padding-bottom: 22px; }
.public-title { font-size: 22px; letter-spacing: -.02em; }
.preview-note { margin: 0 0 16px; padding: 10px 14px; border-radius: 8px; background: var(--maint-bg); color: var(--maint-ink); font-size: 13px; }
.components { margin-top: 20px; overflow: hidden; }
.component { padding: 18px 22px 16px; border-bottom: 1px solid var(--border-soft); }
.component:last-child { border-bottom: 0; }
.component-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 16px; }
.component-name { font-weight: 600; font-size: 15.5px; }
.component-desc { display: block; color: var(--muted); font-size: 13px; }
.component .uptime { margin-top: 12px; }
.children { list-style: none; margin: 12px 0 0; padding: 0; }
.children li { display: flex; align-items: center; gap: 10px; padding: 7px 0 7px 2px; border-top: 1px dashed var(--border); font-size: 13.5px; }
.children .status-text { margin-left: auto; font-size: 12.5px; }

/* login */
.login-page { background: radial-gradient(1200px 600px at 50% -10%, #dbeafe, var(--bg)); min-height: 100vh; }
.login { min-height: 100vh; display: grid; place-items: center; padding: 24px; }
.login-card { width: 100%; max-width: 420px; padding: 28px; }
.login-brand { display: flex; gap: 12px; align-items: center; margin-bottom: 22px; }
.login-brand .logo { width: 36px; height: 36px; }
.login-brand div { display: flex; flex-direction: column; line-height: 1.3; }
.login h1 { font-size: 20px; margin-bottom: 6px; }
.login p { margin: 0 0 16px; font-size: 13.5px; }
.login-form { display: flex; flex-direction: column; gap: 10px; }
.login-form label { font-size: 13px; font-weight: 600; color: #344054; }
.notice { padding: 10px 12px; border-radius: 8px; font-size: 13px; }
.notice-error { background: var(--major-bg); color: var(--major-ink); }
.notice-info { background: var(--maint-bg); color: var(--maint-ink); }
.problem { margin: 12px 0 0; }

.footer { text-align: center; color: var(--muted); font-size: 12px; padding: 28px 20px 36px; }

@media (max-width: 720px) {
  .container { padding: 16px 12px 8px; }
  .bars .bar:nth-child(-n+60) { display: none; }
  .wide-only { display: none; }
  .narrow-only { display: inline; }
  .chart-pair { grid-template-columns: 1fr; }
  .brand-sub, .topnav a { display: none; }
  .banner { flex-wrap: wrap; }
  .banner-time { width: 100%; }
  .endpoints { table-layout: auto; }
  .endpoints td.mono { white-space: normal; word-break: break-all; }
  .tl { grid-template-columns: 70px 1fr; }
  .tl-text { grid-column: 1 / -1; }
  .pool-meta { margin-left: 0; width: 100%; }
}
`;

export const FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#0b1220"/><path d="M8 20.5c0-5 3.6-9 8-9h6" fill="none" stroke="#38bdf8" stroke-width="3" stroke-linecap="round"/><path d="M19 8l4 3.5-4 3.5" fill="none" stroke="#38bdf8" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/><circle cx="8" cy="23" r="2.6" fill="#22c55e"/></svg>';
