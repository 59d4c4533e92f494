/**
 * Tencent Cloud API 3.0 envelope classifier.
 *
 * Envelope: errors come back with HTTP 200 as
 *   {"Response":{"Error":{"Code":"InternalError","Message":"..."},"RequestId":"..."}}
 * and successes as {"Response":{...,"RequestId":"..."}}. Source: TencentCloud/tencentcloud-sdk-nodejs
 * src/common/abstract_client.ts `parseResponse` (a non-200 status is an HTTP error; on 200 the call failed
 * iff `data.Response.Error` exists, with `Error.Code` / `Error.Message`), and the "Error Codes" page of every
 * API 3.0 product, e.g. https://tencentcloud.com/document/product/1121/43771 (公共错误码).
 *
 * Common codes treated as server-side failures (cloud-error):
 *   InternalError (+ InternalError.*: "Internal error"), ServiceUnavailable (+ .*: "Service is unavailable now").
 * Throttling, never a cloud failure (client-error): RequestLimitExceeded and its documented sub-codes
 *   .IPLimitExceeded / .UinLimitExceeded / .GlobalRegionUinLimitExceeded. TencentCloud/tencentcloud-sdk-python
 *   tencentcloud/common/retry.py retries exactly these (plus network errors) with back-off: caller-side push-back.
 * Everything else is the caller's fault, including AuthFailure.*, InvalidParameter*, MissingParameter,
 *   UnauthorizedOperation, ResourceNotFound*, LimitExceeded (quota), FailedOperation (business failure), and by
 *   choice ResourceUnavailable / ResourceInsufficient (one resource's state or a sold-out zone, not the API
 *   being down; add a custom rule if those should fail over).
 *
 * COS (object storage) answers S3-style XML `<Error><Code>InternalError</Code><Message/><RequestId/><TraceId/></Error>`
 * (https://tencentcloud.com/document/product//1045/43611); InternalError / ServiceUnavailable count, SlowDown is throttling.
 */
import { OK, envelope, get, isObject, prefixRe, str } from './shared.js';

export const tencent = /* @__PURE__ */ envelope(
  'tencent',
  // server-side, then throttling (code families: the names and their dotted sub-codes)
  /^(?:InternalError|ServiceUnavailable)(?:\.|$)/,
  /^(?:RequestLimitExceeded|SlowDown)(?:\.|$)/,
  [/* @__PURE__ */ prefixRe(['Response', 'Error', 'Code'])],
  (j) => {
    const response = get(j, 'Response');
    if (!isObject(response)) return undefined;
    const error = response['Error'];
    // no Error: a Tencent success, no other provider needs to look
    return error === undefined ? OK : [str(get(error, 'Code')), str(get(error, 'Message')), get(response, 'RequestId')];
  },
);
