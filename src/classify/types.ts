/**
 * Types shared by the envelope classifiers. No runtime code: importing this file costs nothing.
 */

/** What a response says about the cloud behind it. Treat verdicts as read-only (`ok` is a shared object). */
export type Verdict =
  | { kind: 'ok' }
  /** Server-side failure: counts against the endpoint, retryable elsewhere. */
  | { kind: 'cloud-error'; provider: string; code: string; message?: string; requestId?: string }
  /** An envelope was found but it is the caller's fault (auth, parameters, throttling of this caller...): the cloud is up. */
  | { kind: 'client-error'; provider: string; code: string };

export interface ClassifyInput {
  status: number;
  contentType: string | undefined;
  /** Bounded prefix of the body, decoded as UTF-8. */
  body: string;
  /** false when `body` was truncated to the inspection limit. */
  complete: boolean;
}

export interface Classifier {
  classify(input: ClassifyInput): Verdict;
}

/** The error fields of an XML body whose root is `<Error>`, `<ErrorResponse>` or EC2's `<Response><Errors>`. */
export interface XmlError {
  root: string;
  code: string;
  message: string | undefined;
  /** AWS query protocol `<Type>Sender|Receiver</Type>`. */
  type: string | undefined;
  /** `<RequestId>` (S3-style, AWS query) or `<RequestID>` (EC2); judge() keeps it only when it looks like an id. */
  requestId: string | undefined;
}

/** The body, parsed once per classify() and shared by every provider check. */
export interface Parsed {
  /** JSON.parse of a complete JSON body; undefined when not JSON, truncated or invalid (providers then scan the prefix). */
  json: unknown;
  xml: XmlError | undefined;
}

/** undefined = not this provider's envelope (let the next one look). */
export type ProviderClassifier = (input: ClassifyInput, parsed: Parsed) => Verdict | undefined;
