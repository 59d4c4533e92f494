import type { GrayProvider } from './protocol.js';

/**
 * The gray failure each cloud really sends, byte for byte in shape:
 * - Tencent Cloud API 3.0 answers errors with HTTP 200 and `Response.Error`
 *   (tencentcloud-sdk-nodejs abstract_client `parseResponse`; the 2024-04-08 outage looked like this);
 * - Alibaba Cloud POP APIs answer `InternalError` with HTTP 500 and a JSON `Code` + `RequestId`
 *   (https://www.alibabacloud.com/help/doc-detail/25964.htm, "server errors");
 * - AWS EC2 Query APIs answer `InternalError` with HTTP 500 and `<Response><Errors><Error>`
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
 * So Tencent's is invisible to status-based proxies; the other two are 5xx.
 */
export interface Envelope {
  status: number;
  contentType: string;
  body: string;
}

export function grayEnvelope(provider: GrayProvider, requestId: string): Envelope {
  switch (provider) {
    case 'tencent':
      return {
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          Response: {
            Error: { Code: 'InternalError', Message: 'An internal error has occurred. Retry your request, but if the problem persists, contact us.' },
            RequestId: requestId,
          },
        }),
      };
    case 'aliyun':
      return {
        status: 500,
        contentType: 'application/json;charset=utf-8',
        body: JSON.stringify({
          RequestId: requestId,
          HostId: 'ecs.aliyuncs.com',
          Code: 'InternalError',
          Message: 'The request processing has failed due to some unknown error, exception or failure.',
          Recommend: 'https://api.aliyun.com/troubleshoot?q=InternalError&product=Ecs',
        }),
      };
    case 'aws':
      return {
        status: 500,
        contentType: 'text/xml;charset=UTF-8',
        body: '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>InternalError</Code>'
          + '<Message>An internal error has occurred.</Message></Error></Errors>'
          + `<RequestID>${requestId}</RequestID></Response>`,
      };
  }
}

/** A small, fast deterministic PRNG (mulberry32) so a gray share is reproducible run to run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}
