/**
 * Does a response count against its host? 5xx, 429 with Retry-After, or a server-side cloud error
 * envelope found by the gateway's own classifiers (src/classify: one source of truth). Only the first
 * 8 KiB of a body that can carry an envelope is read, from a clone, so the caller still gets the whole
 * body; the clone is cancelled after the prefix.
 */
import { canCarryEnvelope, type ClassifyInput, type Classifier, type ProviderClassifier } from '../classify/index.js';
import { retryAfter } from './backoff.js';
import type { Failure } from './types.js';

/** The gateway's default `classifyMaxBodyBytes`. */
const MAX = 8192;

export async function inspect(
  res: Response,
  classify: readonly ProviderClassifier[] | Classifier | undefined,
): Promise<Failure | undefined> {
  const status = res.status;
  const ra = retryAfter(res.headers.get('retry-after'));
  if (status >= 500 || (status === 429 && ra !== undefined)) return { kind: 'status', status, ...(ra !== undefined && { retryAfter: ra }) };
  const ct = res.headers.get('content-type') ?? undefined;
  if (!classify || !res.body || !canCarryEnvelope(ct)) return undefined;
  const v = verdict(classify, { status, contentType: ct, ...(await prefix(res.clone())) });
  return v?.kind === 'cloud-error' ? { kind: 'envelope', status, provider: v.provider, code: v.code } : undefined;
}

async function prefix(res: Response): Promise<{ body: string; complete: boolean }> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  let body = '';
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { body: body + dec.decode(), complete: true };
    body += dec.decode(value, { stream: true });
    if ((n += value.length) >= MAX) {
      reader.cancel().catch(() => {});
      return { body, complete: false };
    }
  }
}

/**
 * A list of provider functions runs like the gateway's createClassifier without its name table (so a
 * bundle holds only the providers it imports): a complete body is parsed once (not JSON: undefined,
 * and a JSON scalar holds no envelope), a truncated one each provider scans itself. XML envelopes and
 * custom rules need a createClassifier Classifier.
 */
function verdict(c: readonly ProviderClassifier[] | Classifier, input: ClassifyInput) {
  try {
    if (!Array.isArray(c)) return (c as Classifier).classify(input);
    let json: unknown;
    try {
      json = input.complete ? JSON.parse(input.body) : undefined;
    } catch {
      // not JSON: providers scan the text
    }
    for (const check of c as readonly ProviderClassifier[]) {
      const v = check(input, { json, xml: undefined });
      if (v) return v;
    }
  } catch {
    // a hostile body never breaks the request
  }
  return undefined;
}
