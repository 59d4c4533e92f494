/**
 * A minimal Prometheus text-format registry (exposition format 0.0.4): counters,
 * gauges read at scrape time, and fixed-bucket histograms. Label sets are joined into
 * one key once per series, so recording is a Map lookup and an add.
 */
type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
}

export class Counter implements Family {
  readonly type = 'counter';
  readonly #series = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels, by = 1): void {
    const key = labelKey(labels);
    const s = this.#series.get(key);
    if (s) s.value += by;
    else this.#series.set(key, { labels, value: by });
  }
  get(labels: Labels): number {
    return this.#series.get(labelKey(labels))?.value ?? 0;
  }
  /** The series for these labels, to keep and bump directly on a hot path (`s.value++`). */
  child(labels: Labels): { value: number } {
    const key = labelKey(labels);
    let s = this.#series.get(key);
    if (!s) this.#series.set(key, (s = { labels, value: 0 }));
    return s;
  }
  /** Every series now (read by the incident store's sampler, off the request path). */
  series(): Array<{ labels: Labels; value: number }> {
    return [...this.#series.values()].map((s) => ({ labels: s.labels, value: s.value }));
  }
  render(out: string[]): void {
    for (const s of this.#series.values()) out.push(`${this.name}${fmtLabels(s.labels)} ${s.value}`);
  }
}

export class Gauge implements Family {
  readonly type = 'gauge';
  constructor(readonly name: string, readonly help: string, readonly collect: () => Array<[Labels, number]>) {}
  render(out: string[]): void {
    for (const [labels, v] of this.collect()) out.push(`${this.name}${fmtLabels(labels)} ${v}`);
  }
}

export class Histogram implements Family {
  readonly type = 'histogram';
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[]) {}
  observe(labels: Labels, value: number): void {
    this.child(labels).observe(value);
  }
  /** The series for these labels, to keep and feed directly on a hot path. */
  child(labels: Labels): { observe(value: number): void } {
    const key = labelKey(labels);
    let s = this.#series.get(key);
    if (!s) this.#series.set(key, (s = { labels, counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 }));
    const series = s;
    const buckets = this.buckets;
    return {
      observe(value: number): void {
        for (let i = 0; i < buckets.length; i++) if (value <= buckets[i]!) series.counts[i]!++;
        series.sum += value;
        series.count++;
      },
    };
  }
  /** Sum and count per series (the incident store samples mean latency from them). */
  series(): Array<{ labels: Labels; sum: number; count: number }> {
    return [...this.#series.values()].map((s) => ({ labels: s.labels, sum: s.sum, count: s.count }));
  }
  render(out: string[]): void {
    for (const s of this.#series.values()) {
      for (let i = 0; i < this.buckets.length; i++) out.push(`${this.name}_bucket${fmtLabels({ ...s.labels, le: String(this.buckets[i]) })} ${s.counts[i]}`);
      out.push(`${this.name}_bucket${fmtLabels({ ...s.labels, le: '+Inf' })} ${s.count}`);
      out.push(`${this.name}_sum${fmtLabels(s.labels)} ${s.sum}`);
      out.push(`${this.name}_count${fmtLabels(s.labels)} ${s.count}`);
    }
  }
}

export class Registry {
  readonly #families: Array<Counter | Gauge | Histogram> = [];
  counter(name: string, help: string): Counter {
    return this.#add(new Counter(name, help));
  }
  gauge(name: string, help: string, collect: () => Array<[Labels, number]>): Gauge {
    return this.#add(new Gauge(name, help, collect));
  }
  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.#add(new Histogram(name, help, buckets));
  }
  #add<T extends Counter | Gauge | Histogram>(f: T): T {
    this.#families.push(f);
    return f;
  }
  render(): string {
    const out: string[] = [];
    for (const f of this.#families) {
      // Exposition format: HELP text escapes backslash and newline.
      out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.type}`);
      f.render(out);
    }
    return out.join('\n') + '\n';
  }
}

/** Series identity: the same labels in any key order are one series. */
function labelKey(labels: Labels): string {
  let k = '';
  for (const n of Object.keys(labels).sort()) k += `${n}\u0000${labels[n]}\u0001`;
  return k;
}

function fmtLabels(labels: Labels): string {
  const parts: string[] = [];
  for (const n in labels) parts.push(`${n}="${labels[n]!.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}
